// packhost workflow inspect FILE
#include <iostream>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
#include "core/json_text.hpp"
#include "workflows/inspect.hpp"

namespace packhost::cli {
namespace {

void workflow_inspect(AppContext& ctx, const std::string& file) {
    auto result = workflows::inspect(file, ctx.host().registry());
    const auto& problems = result.problems;
    if (ctx.json) {
        Json out{{"file", file},
                 {"runner", result.runner},
                 {"tasks", result.tasks},
                 {"valid", problems.empty()},
                 {"problems", Json::array()}};
        for (const auto& p : problems.list()) out["problems"].push_back({{"line", p.line}, {"message", p.message}});
        std::cout << core::to_json_text(out, 2) << '\n';
    } else if (problems.empty()) {
        std::cout << file << ": valid " << result.runner << " workflow, " << result.tasks << " task(s)\n";
    } else {
        std::cout << problems.text() << '\n';
        std::cerr << problems.list().size() << " problem(s)\n";
    }
    ctx.exit_code = problems.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void add_workflow_commands(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("workflow", "Workflows (Orquesta, ActionChain): check definitions");
    cmd->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto* inspect = cmd->add_subcommand(
        "inspect", "Check a workflow definition without running it; each problem with its file and line");
    inspect->add_option("file", *file, "The definition (YAML)")->required()->check(CLI::ExistingFile);
    inspect->add_flag("--json", ctx.json, "Print JSON");
    inspect->callback([&ctx, file] { workflow_inspect(ctx, *file); });
}

}  // namespace packhost::cli

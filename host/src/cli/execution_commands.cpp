// packhost execution list | get ID
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "cli/yaml_view.hpp"
#include "core/clock.hpp"
#include "executions/record_view.hpp"
#include "executions/status.hpp"

namespace packhost::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct ListArgs {
    std::string action, status;
    size_t limit = 50;
};

void execution_list(AppContext& ctx, const ListArgs& args) {
    if (!args.status.empty() && !executions::parse_status(args.status)) {
        std::cerr << "error: unknown status '" << args.status
                  << "' (requested, scheduled, running, succeeded, failed, timeout, canceled, abandoned, ...)\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    auto* store = ctx.host().store();
    store::ExecutionFilter f;
    if (!args.action.empty()) f.action = args.action;
    if (!args.status.empty()) f.status = args.status;
    f.limit = args.limit;
    auto records = store->executions(f);
    if (ctx.json) {
        ojson out = ojson::array();
        for (const auto& r : records) out.push_back(executions::record_view(r));
        std::cout << out.dump(2, ' ', false, ojson::error_handler_t::replace) << '\n';
        return;
    }
    Table t({"ID", "ACTION", "STATUS", "STARTED", "ELAPSED"});
    for (const auto& r : records) {
        int64_t end = r.end_us ? r.end_us : core::now_us();
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.3fs", double(end - r.start_us) / 1e6);
        t.add({r.id, r.action, r.status, core::iso8601(r.start_us), elapsed});
    }
    t.print(std::cout);
}

void execution_get(AppContext& ctx, const std::string& id) {
    auto* store = ctx.host().store();
    auto r = store->execution(id);
    if (!r) {
        std::cerr << "error: execution '" << id << "' does not exist\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    auto output = store->output(id);
    ojson view = executions::record_view(*r, &output);
    auto children = store->executions({std::nullopt, std::nullopt, id, 1000});
    if (!children.empty()) {
        view["children"] = ojson::array();
        for (const auto& c : children) view["children"].push_back(c.id);
    }
    if (ctx.json) {
        std::cout << view.dump(2, ' ', false, ojson::error_handler_t::replace) << '\n';
    } else {
        std::cout << to_yaml(view) << '\n';
    }
}

}  // namespace

void add_execution_commands(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("execution", "Executions: history and details (kept in the packhost home)");
    cmd->require_subcommand(1);

    auto args = std::make_shared<ListArgs>();
    auto* list = cmd->add_subcommand("list", "List recent executions, newest first");
    list->add_option("--action,-a", args->action, "Only this action's (ref)");
    list->add_option("--status,-s", args->status, "Only those in this status");
    list->add_option("--limit,-n", args->limit, "At most this many")->capture_default_str();
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, args] { execution_list(ctx, *args); });

    auto id = std::make_shared<std::string>();
    auto* get = cmd->add_subcommand("get", "Show an execution: record, output and children");
    get->add_option("id", *id, "Execution id")->required();
    get->add_flag("--json", ctx.json, "Print JSON");
    get->callback([&ctx, id] { execution_get(ctx, *id); });
}

}  // namespace packhost::cli

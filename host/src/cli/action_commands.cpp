// packhost action list [--pack P] | action show REF
#include <iostream>
#include <optional>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "cli/table.hpp"
#include "core/json_text.hpp"

namespace packhost::cli {
namespace {

void action_list(AppContext& ctx, const std::string& pack) {
    if (ctx.remote()) {
        return remotely(ctx, [&] {
            Json all = remote_call(ctx, "GET",
                                   "/api/v1/actions" + (pack.empty() ? "" : "?pack=" + http::percent_encode(pack)));
            if (ctx.json) {
                std::cout << core::to_json_text(all, 2) << '\n';
                return;
            }
            Table t({"REF", "RUNNER", "DESCRIPTION"});
            for (const auto& a : all)
                t.add({a.value("ref", ""), a.value("runner_type", ""), a.value("description", "")});
            t.print(std::cout);
        });
    }
    auto actions = ctx.host().registry().list(pack.empty() ? std::nullopt : std::optional<std::string>(pack));
    if (ctx.json) {
        Json out = Json::array();
        for (const auto& a : actions) out.push_back(a->to_json());
        std::cout << core::to_json_text(out, 2) << '\n';
        return;
    }
    Table t({"REF", "RUNNER", "DESCRIPTION"});
    for (const auto& a : actions) t.add({a->ref, a->runner_type, a->description});
    t.print(std::cout);
}

void action_show(AppContext& ctx, const std::string& ref) {
    auto action = ctx.host().registry().find(ref);
    if (!action) {
        std::cerr << "error: action '" << ref << "' is not registered (see 'packhost action list')\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    if (ctx.json) {
        std::cout << core::to_json_text(action->to_json(), 2) << '\n';
        return;
    }
    std::cout << "ref:         " << action->ref << '\n'
              << "pack:        " << action->pack << '\n'
              << "runner:      " << action->runner_type << '\n'
              << "description: " << action->description << '\n'
              << "reentrant:   " << (action->reentrant ? "yes" : "no") << "\n\n";
    auto rows = action->parameters.rows();
    if (rows.empty()) {
        std::cout << "Parameters: none\n";
        return;
    }
    std::cout << "Parameters:\n";
    Table t({"NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"});
    for (const auto& r : rows) {
        std::string desc = r.description;
        if (r.secret) desc += desc.empty() ? "(secret)" : " (secret)";
        if (r.immutable) desc += desc.empty() ? "(immutable)" : " (immutable)";
        t.add({r.name, r.type.empty() ? "any" : r.type, r.required ? "yes" : "no",
               r.default_value ? r.default_value->dump() : "", desc});
    }
    t.print(std::cout);
}

}  // namespace

void add_action_commands(CLI::App& app, AppContext& ctx) {
    auto* action = app.add_subcommand("action", "Actions: list and inspect");
    action->require_subcommand(1);

    auto* list = action->add_subcommand("list", "List registered actions");
    auto pack = std::make_shared<std::string>();
    list->add_option("--pack,-p", *pack, "Only this pack's actions");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, pack] { action_list(ctx, *pack); });

    auto* show = action->add_subcommand("show", "Show an action and its parameters");
    auto ref = std::make_shared<std::string>();
    show->add_option("ref", *ref, "Action ref (pack.name)")->required();
    show->add_flag("--json", ctx.json, "Print JSON");
    show->callback([&ctx, ref] { action_show(ctx, *ref); });
}

}  // namespace packhost::cli

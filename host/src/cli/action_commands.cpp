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

// From the action's JSON (Action::to_json, or GET /api/v1/actions/{ref}):
// the same text whichever way it came.
void print_action(const Json& a) {
    std::cout << "ref:         " << a.value("ref", "") << '\n'
              << "pack:        " << a.value("pack", "") << '\n'
              << "runner:      " << a.value("runner_type", "") << '\n'
              << "description: " << a.value("description", "") << '\n';
    if (auto r = a.find("reentrant"); r != a.end() && r->is_boolean()) {
        std::cout << "reentrant:   " << (r->get<bool>() ? "yes" : "no") << '\n';
    }
    std::cout << '\n';
    const Json& params = a.contains("parameters") && a["parameters"].is_object() ? a["parameters"] : Json::object();
    if (params.empty()) {
        std::cout << "Parameters: none\n";
        return;
    }
    std::cout << "Parameters:\n";
    Table t({"NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"});
    for (const auto& [name, p] : params.items()) {
        std::string desc = p.value("description", "");
        if (p.value("secret", false)) desc += desc.empty() ? "(secret)" : " (secret)";
        if (p.value("immutable", false)) desc += desc.empty() ? "(immutable)" : " (immutable)";
        t.add({name, p.value("type", "any"), p.value("required", false) ? "yes" : "no",
               p.contains("default") ? p["default"].dump() : "", desc});
    }
    t.print(std::cout);
}

void action_show(AppContext& ctx, const std::string& ref) {
    Json action;
    if (ctx.remote()) {
        return remotely(ctx, [&] {
            action = remote_call(ctx, "GET", "/api/v1/actions/" + http::percent_encode(ref));
            if (ctx.json) {
                std::cout << core::to_json_text(action, 2) << '\n';
                return;
            }
            print_action(action);
        });
    }
    auto found = ctx.host().registry().find(ref);
    if (!found) {
        std::cerr << "error: action '" << ref << "' is not registered (see 'packhost action list')\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    action = found->to_json();
    if (ctx.json) {
        std::cout << core::to_json_text(action, 2) << '\n';
        return;
    }
    print_action(action);
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

// packhost alias list|get|match|parse: the loaded packs' action aliases, which
// alias and parameters a chat message would run (over the loaded aliases, as
// the chat side matches it), and, to debug one format, what StackStorm's
// parser extracts from a message (strings, before casting).
#include <iostream>

#include "chatops/aliases/alias_index.hpp"
#include "chatops/aliases/alias_parameters.hpp"
#include "cli/chat_setup.hpp"
#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "host.hpp"

namespace packhost::cli {
namespace {

using namespace chatops::aliases;

std::string displays(const Alias& a) {
    std::string out;
    for (const auto& f : a.formats) {
        if (!f.display) continue;
        out += (out.empty() ? "" : " | ") + *f.display;
    }
    return out;
}

void alias_list(AppContext& ctx, const std::string& pack) {
    auto index = loaded_aliases(ctx);
    Json all = Json::array();
    Table t({"REF", "ACTION", "ENABLED", "FORMATS", "DESCRIPTION"});
    for (const auto& a : index.aliases()) {
        if (!pack.empty() && a.pack != pack) continue;
        all.push_back(a.to_json());
        t.add({a.ref(), a.action_ref, a.enabled ? "yes" : "no", displays(a), a.description});
    }
    if (ctx.json) {
        std::cout << core::to_json_text(all, 2) << '\n';
    } else {
        t.print(std::cout);
    }
}

void alias_get(AppContext& ctx, const std::string& ref) {
    auto index = loaded_aliases(ctx);
    if (const auto* a = index.find(ref)) {
        std::cout << core::to_json_text(a->to_json(), 2) << '\n';
        return;
    }
    ctx.exit_code = usage_error(ctx, {"alias '" + ref + "' does not exist (see 'packhost alias list')"});
}

// StackStorm's POST /api/v1/actionalias/match answer ({actionalias,
// display, representation}) with the parameters the execution would get.
void alias_match(AppContext& ctx, const std::string& message) {
    auto index = loaded_aliases(ctx);
    try {
        auto command = FormatParser::prepare(message);
        auto match = index.match(command);
        auto& host = ctx.host();
        auto action = host.registry().find(match.alias->action_ref);
        ImmutableScope scope;
        if (auto* kv = host.datastore()) scope.st2kv = kv->template_object("");
        expr::TemplateCache cache;
        auto sets = alias_parameters(match, command, action ? &action->parameters : nullptr, scope, cache);
        Json out = match.to_json();
        out["action_ref"] = match.alias->action_ref;
        out["parameters"] = match.format->match_multiple ? Json(sets) : (sets.empty() ? Json::object() : sets[0]);
        if (ctx.json) {
            std::cout << core::to_json_text(out, 2) << '\n';
            return;
        }
        std::cout << "alias: " << match.alias->ref() << "\nformat: " << match.display()
                  << "\naction: " << match.alias->action_ref
                  << (action ? "" : " (not registered here: parameters not cast)")
                  << "\nparameters: " << core::to_json_text(out["parameters"], 2) << '\n';
    } catch (const AmbiguousCommand& e) {
        std::cerr << e.what() << '\n';
        for (const auto& m : e.matches) std::cerr << "  " << m.alias->ref() << ": " << m.display() << '\n';
        ctx.exit_code = kExitFailed;
    } catch (const FormatMismatch& e) {
        std::cerr << e.what() << '\n';
        ctx.exit_code = kExitFailed;
    } catch (const core::ValidationError& e) {
        for (const auto& p : e.problems()) std::cerr << "error: " << p << '\n';
        ctx.exit_code = kExitFailed;
    } catch (const std::invalid_argument& e) {
        ctx.exit_code = usage_error(ctx, {e.what()});
    }
}

void alias_parse(AppContext& ctx, const std::string& format, const std::string& message) {
    try {
        FormatParser parser(format);
        Json values = parser.extract(message);
        if (ctx.json) {
            std::cout << core::to_json_text(values, 2) << '\n';
            return;
        }
        for (const auto& [name, value] : values.items()) {
            std::cout << name << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << '\n';
        }
    } catch (const FormatMismatch& e) {
        std::cerr << e.what() << '\n';
        ctx.exit_code = kExitFailed;
    } catch (const core::PythonRegex::TooCostly& e) {
        std::cerr << "error: " << e.what() << '\n';
        ctx.exit_code = kExitFailed;
    } catch (const std::invalid_argument& e) {
        ctx.exit_code = usage_error(ctx, {e.what()});
    }
}

}  // namespace

void add_alias_commands(CLI::App& app, AppContext& ctx) {
    auto* alias = app.add_subcommand("alias", "Action aliases: the chat phrases the loaded packs define");
    alias->require_subcommand(1);
    auto pack = std::make_shared<std::string>();
    auto* list = alias->add_subcommand("list", "The loaded packs' aliases (aliases/*.yaml)");
    list->add_option("--pack,-p", *pack, "Only this pack's aliases");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, pack] { alias_list(ctx, *pack); });
    auto ref = std::make_shared<std::string>();
    auto* get = alias->add_subcommand("get", "One alias, as JSON");
    get->add_option("ref", *ref, "The alias's ref (pack.name)")->required();
    get->add_flag("--json", ctx.json, "Print JSON (the default)");
    get->callback([&ctx, ref] { alias_get(ctx, *ref); });
    auto message = std::make_shared<std::string>();
    auto* match = alias->add_subcommand(
        "match", "Which alias a chat message runs and with which parameters (exit 1: none, or more than one)");
    match->add_option("message", *message, "The message, without the bot's prefix")->required();
    match->add_flag("--json", ctx.json, "Print {actionalias, display, representation, action_ref, parameters}");
    match->callback([&ctx, message] { alias_match(ctx, *message); });
    auto format = std::make_shared<std::string>();
    auto* parse = alias->add_subcommand(
        "parse", "The parameters StackStorm's parser extracts from MESSAGE with FORMAT (exit 1: no match)");
    parse->add_option("format", *format, "An alias format, e.g. \"run {{cmd}} on {{hosts=localhost}}\"")->required();
    parse->add_option("message", *message, "The message")->required();
    parse->add_flag("--json", ctx.json, "Print a JSON object");
    parse->callback([&ctx, format, message] { alias_parse(ctx, *format, *message); });
}

}  // namespace packhost::cli

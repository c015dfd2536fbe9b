// packhost rule test --rule FILE --trigger-instance FILE: StackStorm's
// st2-rule-tester. Offline: it reads the two files, the loaded packs (to
// cast the action's parameters when it is registered) and the local
// datastore (st2kv.system), and runs nothing.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "core/yaml_file.hpp"
#include "core/yaml_json.hpp"
#include "events/rules/trial.hpp"
#include "host.hpp"

namespace packhost::cli {
namespace {

// A YAML (or JSON) file as JSON; core::ValidationError naming it.
Json read_document(const std::string& file) {
    try {
        return core::yaml_to_json(core::load_yaml_file(file));
    } catch (const core::YamlFileError& e) {
        throw core::ValidationError(file + (e.line() ? ":" + std::to_string(e.line()) : "") + ": " + e.what());
    } catch (const std::exception& e) {
        throw core::ValidationError(file + ": " + e.what());
    }
}

struct RuleTestArgs {
    std::string rule_file;
    std::string instance_file;
};

int rule_test(AppContext& ctx, const RuleTestArgs& args) {
    events::rules::Rule rule;
    std::string trigger;
    Json payload;
    try {
        rule = events::rules::Rule::parse(read_document(args.rule_file), args.rule_file);
        Json instance = read_document(args.instance_file);
        if (!instance.is_object() || !instance.contains("trigger") || !instance["trigger"].is_string()) {
            throw core::ValidationError(args.instance_file +
                                        ": a trigger instance is {trigger: TRIGGER_TYPE_REF, payload: {...}}");
        }
        trigger = instance["trigger"].get<std::string>();
        payload = instance.value("payload", Json::object());
    } catch (const core::ValidationError& e) {
        return usage_error(ctx, e.problems());
    }
    auto& host = ctx.host();
    events::rules::TrialInputs in;
    if (auto* kv = host.datastore()) in.st2kv = kv->template_object("");
    auto action = host.registry().find(rule.action_ref);
    if (action) in.action = &action->parameters;
    in.now_us = core::now_us();
    expr::TemplateCache cache;
    auto trial = events::rules::try_rule(rule, trigger, payload, in, cache);
    if (ctx.json) {
        std::cout << core::to_json_text(trial.to_json(), 2) << '\n';
    } else if (trial.matches) {
        std::cout << "=== RULE MATCHES ===\n"
                  << "action: " << rule.action_ref << (action ? "" : " (not registered here: parameters not cast)")
                  << "\nparameters: " << core::to_json_text(trial.action_parameters, 2) << '\n';
    } else {
        std::cout << "=== RULE DOES NOT MATCH ===\n";
        if (trial.failed_criterion) std::cout << "failed criterion: " << *trial.failed_criterion << '\n';
        if (trial.error) std::cout << "why: " << *trial.error << '\n';
    }
    return trial.matches ? kExitOk : kExitFailed;
}

}  // namespace

void add_rule_commands(CLI::App& app, AppContext& ctx) {
    auto* rule = app.add_subcommand("rule", "Rules: test one against a trigger instance");
    rule->require_subcommand(1);
    auto args = std::make_shared<RuleTestArgs>();
    auto* test =
        rule->add_subcommand("test",
                             "Whether a rule matches a trigger instance, and the action parameters it would run with "
                             "(st2-rule-tester); exit 0 when it matches, 1 when not, 2 for bad files");
    test->add_option("--rule", args->rule_file, "The rule's YAML or JSON file")->required();
    test->add_option("--trigger-instance", args->instance_file, "{trigger: REF, payload: {...}} as YAML or JSON")
        ->required();
    test->add_flag("--json", ctx.json, "Print {matches, failed_criterion, action_parameters, error}");
    test->callback([&ctx, args] { ctx.exit_code = rule_test(ctx, *args); });
}

}  // namespace packhost::cli

// packhost rule list|get|create|enable|disable|delete (the packs' rules and
// those kept in the store; a running serve rereads them), rule test --rule FILE
// --trigger-instance FILE (StackStorm's st2-rule-tester: offline, it reads
// the two files, the loaded packs to cast the action's parameters, and the
// local datastore for st2kv.system, and runs nothing), and
// rule-enforcement list|get (what rules did, from the store).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "events/rules/rule_set.hpp"
#include "events/rules/trial.hpp"
#include "host.hpp"

namespace packhost::cli {
namespace {

struct RuleTestArgs {
    std::string rule_file;
    std::string instance_file;
};

int rule_test(AppContext& ctx, const RuleTestArgs& args) {
    events::rules::Rule rule;
    std::string trigger;
    Json payload;
    try {
        rule = events::rules::Rule::parse(events::rules::read_document(args.rule_file), args.rule_file);
        Json instance = events::rules::read_document(args.instance_file);
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
    Json context = Json::object();
    context["trigger"] = std::move(payload);
    auto trial = events::rules::try_rule(rule, trigger, context, in, cache);
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

std::vector<events::rules::Rule> all_rules(AppContext& ctx) {
    std::vector<std::string> problems;
    auto& host = ctx.host();
    auto rules = events::rules::load_rules(host.catalog(), host.store(), host.trigger_types(), problems);
    for (const auto& p : problems) std::cerr << "warning: rule left out: " << p << '\n';
    return rules;
}

void rule_list(AppContext& ctx, const std::string& pack) {
    Json all = Json::array();
    Table t({"REF", "TRIGGER", "ACTION", "ENABLED", "FROM", "DESCRIPTION"});
    for (const auto& r : all_rules(ctx)) {
        if (!pack.empty() && r.pack != pack) continue;
        all.push_back(r.to_json());
        t.add({r.ref(), r.trigger_type, r.action_ref, r.enabled ? "yes" : "no", r.source == "store" ? "store" : "pack",
               r.description});
    }
    if (ctx.json) {
        std::cout << core::to_json_text(all, 2) << '\n';
    } else {
        t.print(std::cout);
    }
}

std::optional<events::rules::Rule> find_rule(AppContext& ctx, const std::string& ref) {
    for (auto& r : all_rules(ctx)) {
        if (r.ref() == ref) return std::move(r);
    }
    ctx.exit_code = usage_error(ctx, {"rule '" + ref + "' does not exist (see 'packhost rule list')"});
    return std::nullopt;
}

void rule_get(AppContext& ctx, const std::string& ref) {
    if (auto r = find_rule(ctx, ref)) std::cout << core::to_json_text(r->to_json(), 2) << '\n';
}

store::Store& rule_store(AppContext& ctx) {
    auto* store = ctx.host().store();
    if (!store) throw core::ValidationError("rules are kept in the store, and this packhost has none");
    return *store;
}

// `rule create FILE`: kept in the store, where packhost serve reads it
// within a second. StackStorm's checks: the trigger type exists and its
// parameters fit; the ref is not taken.
void rule_create(AppContext& ctx, const std::string& file) {
    try {
        auto doc = events::rules::read_document(file);
        auto rule = events::rules::Rule::parse(doc, file);
        auto problems = events::rules::trigger_problems(rule, ctx.host().trigger_types(), file);
        if (!problems.empty()) throw core::ValidationError(problems);
        auto& store = rule_store(ctx);
        for (const auto& r : all_rules(ctx)) {
            if (r.ref() != rule.ref()) continue;
            std::cerr << "error: rule '" << rule.ref() << "' already exists ("
                      << (r.source == "store" ? std::string("in the store; delete it first") : "defined by " + r.source)
                      << ")\n";
            ctx.exit_code = kExitFailed;
            return;
        }
        if (!ctx.host().registry().find(rule.action_ref)) {
            std::cerr << "warning: action '" << rule.action_ref
                      << "' is not registered: each match will be recorded as a failed enforcement until it is\n";
        }
        Json stored = rule.to_json();
        stored.erase("ref");
        int64_t now = core::now_us();
        store.rule_put({rule.ref(), stored, now, now});
        std::cout << core::to_json_text(rule.to_json(), 2) << '\n';
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
    }
}

void rule_switch(AppContext& ctx, const std::string& ref, bool enabled) {
    try {
        auto rule = find_rule(ctx, ref);
        if (!rule) return;
        rule_store(ctx).set_switch("rule", ref, enabled);
        rule->enabled = enabled;
        std::cout << core::to_json_text(rule->to_json(), 2) << '\n';
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
    }
}

void rule_delete(AppContext& ctx, const std::string& ref) {
    try {
        auto& store = rule_store(ctx);
        if (store.rule_delete(ref)) {
            std::cout << "Resource with id \"" << ref << "\" has been successfully deleted.\n";
            return;
        }
        for (const auto& r : all_rules(ctx)) {
            if (r.ref() == ref) {
                throw core::ValidationError("rule '" + ref + "' is defined by " + r.source +
                                            ": remove it from its pack, or 'packhost rule disable " + ref + "'");
            }
        }
        throw core::ValidationError("rule '" + ref + "' does not exist (see 'packhost rule list')");
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
    }
}

Json enforcement_json(const store::RuleEnforcementRecord& e) {
    Json j = Json::object();
    j["id"] = e.id;
    j["rule"] = {{"ref", e.rule}};
    j["trigger_instance_id"] = e.trigger_instance_id;
    j["execution_id"] = e.execution_id;
    j["failure_reason"] = e.failure_reason;
    j["enforced_at"] = core::iso8601(e.enforced_us);
    j["status"] = e.status();
    return j;
}

struct EnforcementArgs {
    std::string rule, trigger_instance, id;
    size_t limit = 50;
};

void enforcement_list(AppContext& ctx, const EnforcementArgs& args) {
    auto* store = ctx.host().store();
    std::vector<store::RuleEnforcementRecord> found;
    if (store) {
        store::RuleEnforcementFilter f;
        if (!args.rule.empty()) f.rule = args.rule;
        if (!args.trigger_instance.empty()) f.trigger_instance = args.trigger_instance;
        f.limit = args.limit;
        found = store->rule_enforcements(f);
    }
    if (ctx.json) {
        Json all = Json::array();
        for (const auto& e : found) all.push_back(enforcement_json(e));
        std::cout << core::to_json_text(all, 2) << '\n';
        return;
    }
    Table t({"ID", "RULE", "TRIGGER INSTANCE", "EXECUTION", "ENFORCED AT", "STATUS / WHY"});
    for (const auto& e : found) {
        t.add({e.id, e.rule, e.trigger_instance_id, e.execution_id, core::iso8601(e.enforced_us),
               e.failure_reason.empty() ? e.status() : e.status() + ": " + e.failure_reason});
    }
    t.print(std::cout);
}

void enforcement_get(AppContext& ctx, const std::string& id) {
    auto* store = ctx.host().store();
    auto e = store ? store->rule_enforcement(id) : std::nullopt;
    if (!e) {
        ctx.exit_code = usage_error(ctx, {"rule enforcement '" + id + "' does not exist"});
        return;
    }
    std::cout << core::to_json_text(enforcement_json(*e), 2) << '\n';
}

}  // namespace

void add_rule_commands(CLI::App& app, AppContext& ctx) {
    auto* rule = app.add_subcommand(
        "rule", "Rules: the packs' and those kept in the store; create, enable, disable, delete, test one");
    rule->require_subcommand(1);
    auto pack = std::make_shared<std::string>();
    auto* list = rule->add_subcommand("list", "The packs' rules (rules/*.yaml) and the store's");
    list->add_option("--pack,-p", *pack, "Only this pack's rules");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, pack] { rule_list(ctx, *pack); });
    auto ref = std::make_shared<std::string>();
    auto* get = rule->add_subcommand("get", "One rule, as JSON");
    get->add_option("ref", *ref, "The rule's ref (pack.name)")->required();
    get->add_flag("--json", ctx.json, "Print JSON (the default)");
    get->callback([&ctx, ref] { rule_get(ctx, *ref); });
    auto file = std::make_shared<std::string>();
    auto* create = rule->add_subcommand(
        "create", "Keep a rule (StackStorm's YAML or JSON) in the store; packhost serve runs it within a second");
    create->add_option("file", *file, "The rule's file")->required();
    create->callback([&ctx, file] { rule_create(ctx, *file); });
    for (bool enabled : {true, false}) {
        auto* sw = rule->add_subcommand(enabled ? "enable" : "disable",
                                        enabled ? "Switch a rule on (a pack's or the store's)"
                                                : "Switch a rule off (a pack's or the store's); kept across restarts");
        sw->add_option("ref", *ref, "The rule's ref (pack.name)")->required();
        sw->callback([&ctx, ref, enabled] { rule_switch(ctx, *ref, enabled); });
    }
    auto* del = rule->add_subcommand("delete", "Delete a rule kept in the store");
    del->add_option("ref", *ref, "The rule's ref (pack.name)")->required();
    del->callback([&ctx, ref] { rule_delete(ctx, *ref); });
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

void add_rule_enforcement_commands(CLI::App& app, AppContext& ctx) {
    auto* enf = app.add_subcommand("rule-enforcement", "What rules did with trigger instances (from the store)");
    enf->require_subcommand(1);
    auto eargs = std::make_shared<EnforcementArgs>();
    auto* elist = enf->add_subcommand("list", "Rule enforcements, newest first");
    elist->add_option("--rule", eargs->rule, "Only this rule's (pack.name)");
    elist->add_option("--trigger-instance", eargs->trigger_instance, "Only this trigger instance's");
    elist->add_option("--limit,-n", eargs->limit, "At most this many (default 50)");
    elist->add_flag("--json", ctx.json, "Print JSON");
    elist->callback([&ctx, eargs] { enforcement_list(ctx, *eargs); });
    auto* eget = enf->add_subcommand("get", "One rule enforcement, as JSON");
    eget->add_option("id", eargs->id, "Its id")->required();
    eget->add_flag("--json", ctx.json, "Print JSON (the default)");
    eget->callback([&ctx, eargs] { enforcement_get(ctx, eargs->id); });
}

}  // namespace packhost::cli

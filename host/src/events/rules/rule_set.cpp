#include "events/rules/rule_set.hpp"

#include <set>

#include "core/errors.hpp"
#include "events/timers/schedule.hpp"
#include "packs/pack_files.hpp"

namespace packhost::events::rules {

std::vector<Rule> read_pack_rules(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                  std::vector<std::string>& problems) {
    return read_pack_documents<Rule>(pack_dir, pack_ref, "rules", "rule", problems);
}

std::vector<Rule> load_pack_rules(const packs::Catalog& catalog, std::vector<std::string>& problems) {
    return load_pack_documents<Rule>(catalog, "rules", "rule", problems);
}

std::vector<std::string> trigger_problems(const Rule& rule, const TriggerTypes& types, const std::string& where) {
    std::vector<std::string> problems;
    const auto* type = types.find(rule.trigger_type);
    if (!type) {
        problems.push_back(where + ": trigger.type: '" + rule.trigger_type +
                           "' is not a known trigger type (see 'packhost trigger list')");
        return problems;
    }
    if (timers::Schedule::is_timer_type(type->ref())) {
        // The schema says little about a cron expression or a time zone.
        try {
            (void)timers::Schedule::parse(type->ref(), rule.trigger_parameters, 0);
        } catch (const core::ValidationError& e) {
            for (const auto& p : e.problems()) problems.push_back(where + ": " + p);
            return problems;
        }
    }
    if (type->parameters_schema.is_null()) return problems;
    try {
        auto schema = core::JsonSchema::compile(type->parameters_schema, type->ref() + ": parameters_schema");
        Json parameters = rule.trigger_parameters;
        std::vector<std::string> found;
        schema.validate(parameters, "trigger parameter", found);
        for (auto& p : found) problems.push_back(where + ": trigger.parameters: " + p);
    } catch (const std::invalid_argument& e) {
        problems.push_back(where + ": " + e.what());
    }
    return problems;
}

std::vector<Rule> load_rules(const packs::Catalog& catalog, store::Store* store, const TriggerTypes& types,
                             std::vector<std::string>& problems) {
    std::vector<Rule> candidates = load_pack_rules(catalog, problems);
    std::map<std::string, bool> switches;
    if (store) {
        for (auto& stored : store->stored_rules()) {
            try {
                Rule rule = Rule::parse(stored.document, "stored rule " + stored.ref);
                rule.source = "store";
                candidates.push_back(std::move(rule));
            } catch (const core::ValidationError& e) {
                problems.insert(problems.end(), e.problems().begin(), e.problems().end());
            }
        }
        switches = store->switches("rule");
    }
    std::vector<Rule> out;
    std::map<std::string, std::string> seen;  // ref -> source
    for (auto& rule : candidates) {
        std::string ref = rule.ref();
        if (auto it = seen.find(ref); it != seen.end()) {
            problems.push_back(rule.source + ": rule '" + ref + "' is already defined by " + it->second);
            continue;
        }
        auto found = trigger_problems(rule, types, rule.source);
        if (!found.empty()) {
            problems.insert(problems.end(), found.begin(), found.end());
            continue;
        }
        if (auto sw = switches.find(ref); sw != switches.end()) rule.enabled = sw->second;
        seen.emplace(ref, rule.source);
        out.push_back(std::move(rule));
    }
    return out;
}

}  // namespace packhost::events::rules

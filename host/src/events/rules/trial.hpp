#pragma once
// What a rule would do with one trigger instance, as st2-rule-tester says
// it: whether it matches, the first criterion that does not hold, and the
// action parameters it would run with. The action need not be registered:
// its parameters are then rendered but not cast.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actions/parameters.hpp"
#include "core/json_value.hpp"
#include "events/rules/rule.hpp"
#include "expr/template.hpp"

namespace packhost::events::rules {

struct Trial {
    bool matches = false;
    std::optional<std::string> failed_criterion;
    Json action_parameters;  // null unless it matches
    std::optional<std::string> error;

    // {"matches", "failed_criterion", "action_parameters", "error"}.
    Json to_json() const;
};

struct TrialInputs {
    std::shared_ptr<const expr::Object> st2kv;       // `st2kv.system.…`; null without a datastore
    const actions::ParameterSpec* action = nullptr;  // the action's parameters when registered
    int64_t now_us = 0;                              // for timediff_* criteria
    // pattern_renderer(st2kv, cache), made once per trigger instance by
    // whoever tries many rules on it; made per call when empty.
    PatternRenderer render;
};

// `context` is {"trigger": payload}, made once per trigger instance for
// every rule tried on it.
Trial try_rule(const Rule& rule, const std::string& trigger_ref, const Json& context, const TrialInputs& in,
               expr::TemplateCache& cache);
// Its second half, for a rule whose criteria are known to hold: the
// action's parameters rendered and cast.
Trial rule_action(const Rule& rule, const Json& payload, const TrialInputs& in, expr::TemplateCache& cache);

// Renders criteria patterns with `context` ({"trigger": …} or {"item": …})
// and st2kv: what the rules engine and try_rule share.
PatternRenderer pattern_renderer(std::shared_ptr<const expr::Object> st2kv, expr::TemplateCache& cache);

}  // namespace packhost::events::rules

#include "events/rules/trial.hpp"

#include "actions/parameter_rendering.hpp"
#include "core/errors.hpp"

namespace packhost::events::rules {

Json Trial::to_json() const {
    Json out = Json::object();
    out["matches"] = matches;
    out["failed_criterion"] = failed_criterion ? Json(*failed_criterion) : Json();
    out["action_parameters"] = action_parameters;
    out["error"] = error ? Json(*error) : Json();
    return out;
}

PatternRenderer pattern_renderer(std::shared_ptr<const expr::Object> st2kv, expr::TemplateCache& cache) {
    return [st2kv = std::move(st2kv), &cache](const std::string& pattern, const Json& context) {
        expr::Context ctx(context);
        expr::add_global_functions(ctx);
        if (st2kv) ctx.set("st2kv", expr::Value::object(st2kv));
        return Json(cache.get(pattern)->render_value(ctx));
    };
}

Trial try_rule(const Rule& rule, const std::string& trigger_ref, const Json& context, const TrialInputs& in,
               expr::TemplateCache& cache) {
    Trial out;
    // st2-rule-tester checks this first: the matcher assumes it.
    if (rule.trigger_type != trigger_ref) {
        out.error = "rule.trigger \"" + rule.trigger_type + "\" and trigger.ref \"" + trigger_ref + "\" do not match";
        return out;
    }
    auto result = in.render ? rule.criteria.evaluate(context, in.render, in.now_us)
                            : rule.criteria.evaluate(context, pattern_renderer(in.st2kv, cache), in.now_us);
    if (!result.matched) {
        out.failed_criterion = result.failed;
        if (!result.error.empty()) out.error = result.error;
        return out;
    }
    static const Json kNone;
    auto trigger = context.find("trigger");
    return rule_action(rule, trigger != context.end() ? *trigger : kNone, in, cache);
}

Trial rule_action(const Rule& rule, const Json& payload, const TrialInputs& in, expr::TemplateCache& cache) {
    Trial out;
    actions::TemplateScope scope;
    scope.st2kv = in.st2kv;
    if (!payload.is_null()) scope.trigger = &payload;
    static const actions::ParameterSpec kUndeclared;
    try {
        Json params = in.action ? in.action->complete(rule.action_parameters) : rule.action_parameters;
        params = actions::render_parameters(in.action ? *in.action : kUndeclared, std::move(params), scope, cache);
        if (in.action) params = in.action->validate(std::move(params));
        out.action_parameters = std::move(params);
        out.matches = true;
    } catch (const core::ValidationError& e) {
        out.error = std::string("Failed to resolve parameters: ") + e.what();
    }
    return out;
}

}  // namespace packhost::events::rules

#pragma once
// StackStorm's parameter rendering: templates in parameter values and
// defaults are rendered before validation, against action_context,
// config_context, the datastore (st2kv) and the other parameters, and the
// rendered text is cast to each parameter's declared type.
#include <memory>

#include "core/json_value.hpp"
#include "actions/parameters.hpp"
#include "expr/template.hpp"

namespace packhost::actions {

// What parameter templates can see besides the other parameters.
struct TemplateScope {
    Json action_context = Json::object();  // user, pack, parent...
    Json config_context = Json::object();  // the pack's configuration
    // `st2kv.system.KEY` / `st2kv.user.KEY`; null until a datastore exists.
    std::shared_ptr<const expr::Object> st2kv;
    // A rule's trigger instance payload (`trigger`), which outlives the
    // rendering; null when not from a rule.
    const Json* trigger = nullptr;
};

// Renders every template in `params` (already completed with defaults).
// A template that is exactly one {{ expr }} yields its typed value; other
// templates yield text, which is cast to the declared type ("5" -> 5 for an
// integer); `use_none` output becomes null. Parameters may refer to each
// other in any order; a cycle is an error. Throws core::ValidationError
// naming the parameter: "parameter 'x': template line 1, column 4: ...".
Json render_parameters(const ParameterSpec& spec, Json params, const TemplateScope& scope, expr::TemplateCache& cache);

// A pack configuration whose values hold templates (StackStorm's dynamic
// config values, e.g. "{{ st2kv.system.api_token | decrypt_kv }}"),
// rendered against action_context and st2kv. Throws core::ValidationError
// naming the key.
Json render_config(const Json& config, const TemplateScope& scope, expr::TemplateCache& cache);

}  // namespace packhost::actions

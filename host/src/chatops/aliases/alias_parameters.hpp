#pragma once
// From a matched chat command to the parameters of the executions it starts,
// as StackStorm's alias execution does it: the values the format extracted
// (one set per occurrence for match_multiple), the alias's
// immutable_parameters rendered and added (a command that sets one is
// refused), then every text cast to the action's parameter type, where an
// array is written "a, b" (StackStorm's CAST_OVERRIDES for aliases).
#include <memory>
#include <vector>

#include "actions/parameters.hpp"
#include "chatops/aliases/alias_index.hpp"
#include "expr/template.hpp"

namespace packhost::chatops::aliases {

struct ImmutableScope {
    // What immutable_parameters templates see besides `st2kv`: StackStorm
    // puts the execution's context at the top (user, api_user,
    // source_channel, action_alias_ref).
    Json context = Json::object();
    std::shared_ptr<const expr::Object> st2kv;  // null: no datastore
};

// `spec` null: the action is not known here and values stay text. Throws
// core::ValidationError with a reason fit for a chat reply ("Immutable
// arguments cannot be overriden: env", "parameter 'count': cannot convert
// \"x\" to an integer"); FormatMismatch when the command no longer matches.
std::vector<Json> alias_parameters(const AliasMatch& match, const FormatParser::Command& command,
                                   const actions::ParameterSpec* spec, const ImmutableScope& scope,
                                   expr::TemplateCache& cache);

// One parameter's text cast as an alias casts it.
Json cast_alias_value(const std::string& name, const std::string& text, const actions::ParameterSpec* spec);

}  // namespace packhost::chatops::aliases

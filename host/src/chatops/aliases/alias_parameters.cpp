#include "chatops/aliases/alias_parameters.hpp"

#include "actions/casting.hpp"
#include "core/errors.hpp"
#include "expr/context.hpp"

namespace packhost::chatops::aliases {
namespace {

// StackStorm's render_values: each value rendered as text (a mapping or list
// through its JSON text), so "{{ 1 + 1 }}" gives "2", cast afterwards.
Json render_immutable(const Json& immutable, const ImmutableScope& scope, expr::TemplateCache& cache) {
    expr::Context ctx(scope.context);
    if (scope.st2kv) ctx.set("st2kv", expr::Value::object(scope.st2kv));
    Json out = Json::object();
    for (const auto& [name, value] : immutable.items()) {
        try {
            if (value.is_string()) {
                out[name] = cache.get(value.get<std::string>())->render(ctx);
            } else if (value.is_structured()) {
                out[name] = Json::parse(cache.get(value.dump())->render(ctx));
            } else {
                out[name] = value;
            }
        } catch (const expr::TemplateError& e) {
            throw core::ValidationError("immutable parameter '" + name + "': template " + e.what());
        } catch (const Json::parse_error& e) {
            throw core::ValidationError("immutable parameter '" + name + "': rendered to invalid JSON");
        }
    }
    return out;
}

}  // namespace

Json cast_alias_value(const std::string& name, const std::string& text, const actions::ParameterSpec* spec) {
    return actions::cast_parameter(name, text, spec ? spec->find(name) : nullptr, actions::ArrayText::commas_only);
}

std::vector<Json> alias_parameters(const AliasMatch& match, const FormatParser::Command& command,
                                   const actions::ParameterSpec* spec, const ImmutableScope& scope,
                                   expr::TemplateCache& cache) {
    std::vector<Json> sets;
    if (match.format->match_multiple) {
        sets = match.parser->extract_all(command);
    } else {
        sets.push_back(match.parser->extract(command));
    }
    const Json& immutable = match.alias->immutable_parameters;
    Json rendered = immutable.empty() ? Json::object() : render_immutable(immutable, scope, cache);
    std::vector<Json> out;
    for (auto& extracted : sets) {
        std::string overridden;
        for (const auto& [name, value] : immutable.items()) {
            (void)value;
            if (extracted.contains(name)) overridden += (overridden.empty() ? "" : ",") + name;
        }
        if (!overridden.empty()) {
            throw core::ValidationError("Immutable arguments cannot be overriden: " + overridden);
        }
        Json params = Json::object();
        std::vector<std::string> problems;
        auto add = [&](const std::string& name, const Json& value) {
            if (value.is_null()) return;  // a group that took no part: the action's default applies
            try {
                params[name] = value.is_string() ? cast_alias_value(name, value.get<std::string>(), spec) : value;
            } catch (const core::ValidationError& e) {
                problems.insert(problems.end(), e.problems().begin(), e.problems().end());
            }
        };
        for (const auto& [name, value] : extracted.items()) add(name, value);
        for (const auto& [name, value] : rendered.items()) add(name, value);
        if (!problems.empty()) throw core::ValidationError(problems);
        out.push_back(std::move(params));
    }
    return out;
}

}  // namespace packhost::chatops::aliases

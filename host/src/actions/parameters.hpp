#pragma once
// An action's parameters: declared as a JSON Schema, resolved for each
// request (defaults, immutability, validation) and masked for display.
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "core/json_schema.hpp"

namespace packhost::actions {

class ParameterSpec {
public:
    ParameterSpec() = default;

    // `schema` is the object schema the action declared (null = takes no
    // parameters). Unknown parameters are refused unless the schema sets
    // additionalProperties. Throws std::invalid_argument naming `where`.
    static ParameterSpec compile(const Json& schema, const std::string& where);

    // Completes and checks a request's parameters. Throws
    // core::ValidationError listing every problem, each naming its parameter.
    // The two halves, for callers that render templates in between:
    // complete() refuses overridden immutable parameters and fills in
    // declared defaults; validate() checks the result against the schema.
    Json resolve(Json provided) const { return validate(complete(std::move(provided))); }
    Json complete(Json provided) const;
    Json validate(Json params) const;

    // `params` with secret values replaced by "********".
    Json masked(const Json& params) const { return schema_.masked(params); }
    bool has_secrets() const { return schema_.has_secrets(); }

    // One row per declared parameter, in declaration order.
    struct Row {
        std::string name;
        std::string type;  // "integer", "string|null", "" when undeclared
        bool required = false;
        std::optional<Json> default_value;  // masked when secret
        std::string description;
        bool secret = false;
        bool immutable = false;
        std::optional<int> position;
    };
    std::vector<Row> rows() const;

    // The declared schema of one parameter (nullptr when undeclared).
    const core::JsonSchema::Node* find(const std::string& name) const;

    const Json& schema() const { return declared_; }

private:
    core::JsonSchema schema_;
    Json declared_;
};

// True when `value` holds a template ({{ or {%) in any string, at any depth.
bool contains_template(const Json& value);

// "integer", "string|null": a declared type as a short word for tables.
std::string short_type_name(uint32_t types);

}  // namespace packhost::actions

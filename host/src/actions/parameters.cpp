#include "actions/parameters.hpp"

#include <stdexcept>

#include "core/errors.hpp"

namespace packhost::actions {

ParameterSpec ParameterSpec::compile(const Json& schema, const std::string& where) {
    ParameterSpec spec;
    spec.declared_ = schema.is_null() ? Json{{"type", "object"}, {"properties", Json::object()}} : schema;
    if (!spec.declared_.is_object()) throw std::invalid_argument(where + ": must be a JSON object schema");
    auto type = spec.declared_.find("type");
    if (type != spec.declared_.end() && *type != "object") {
        throw std::invalid_argument(where + ": the parameter schema's type must be \"object\"");
    }
    spec.schema_ = core::JsonSchema::compile(spec.declared_, where, /*closed_root=*/true);
    return spec;
}

Json ParameterSpec::complete(Json provided) const {
    if (provided.is_null()) provided = Json::object();
    if (!provided.is_object()) throw core::ValidationError("parameters must be a JSON object");
    if (schema_.empty()) return provided;
    std::vector<std::string> problems;
    for (const auto& [name, node] : schema_.root().properties) {
        auto it = provided.find(name);
        if (it == provided.end()) {
            if (node->default_value) provided[name] = *node->default_value;
            continue;
        }
        if (node->immutable && !(node->default_value && *node->default_value == *it)) {
            problems.push_back("parameter '" + name + "' is immutable and cannot be overridden");
        }
    }
    if (!problems.empty()) throw core::ValidationError(std::move(problems));
    return provided;
}

Json ParameterSpec::validate(Json params) const {
    std::vector<std::string> problems;
    if (!schema_.empty()) schema_.validate(params, "parameter", problems);
    if (!problems.empty()) throw core::ValidationError(std::move(problems));
    return params;
}

bool contains_template(const Json& value) {
    switch (value.type()) {
    case Json::value_t::string: {
        const auto& s = value.get_ref<const std::string&>();
        return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
    }
    case Json::value_t::array:
    case Json::value_t::object:
        for (const auto& v : value) {
            if (contains_template(v)) return true;
        }
        return false;
    default: return false;
    }
}

std::vector<ParameterSpec::Row> ParameterSpec::rows() const {
    std::vector<Row> out;
    if (schema_.empty()) return out;
    const auto& root = schema_.root();
    for (const auto& [name, node] : root.properties) {
        Row r;
        r.name = name;
        r.type = short_type_name(node->types);
        r.required = root.is_required(name);
        if (node->default_value) {
            r.default_value = node->secret ? Json(core::kSecretMask) : *node->default_value;
        }
        r.description = node->description;
        r.secret = node->secret;
        r.immutable = node->immutable;
        r.position = node->position;
        out.push_back(std::move(r));
    }
    return out;
}

const core::JsonSchema::Node* ParameterSpec::find(const std::string& name) const {
    return schema_.empty() ? nullptr : schema_.root().property(name);
}

std::string short_type_name(uint32_t types) {
    using S = core::JsonSchema;
    static const std::pair<uint32_t, const char*> names[] = {
        {S::kInteger, "integer"}, {S::kNumber, "number"}, {S::kString, "string"}, {S::kBoolean, "boolean"},
        {S::kArray, "array"},     {S::kObject, "object"}, {S::kNull, "null"}};
    std::string out;
    for (auto [bit, name] : names) {
        if (!(types & bit)) continue;
        if (!out.empty()) out += "|";
        out += name;
    }
    return out;
}

}  // namespace packhost::actions

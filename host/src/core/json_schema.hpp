#pragma once
// A compiled JSON Schema (the draft-4 subset StackStorm uses for action
// parameters and pack configs, plus its extensions `secret`, `immutable`,
// `position` and per-property `required: true`).
//
// Compile once (at pack load), validate many times (every execution): the
// tree below is walked without re-reading the schema text, and patterns are
// compiled regexes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json_value.hpp"
#include "core/regex.hpp"

namespace packhost::core {

class JsonSchema {
public:
    // Bit per JSON Schema type; 0 means "any type".
    enum Type : uint32_t {
        kNull = 1,
        kBoolean = 2,
        kInteger = 4,
        kNumber = 8,
        kString = 16,
        kArray = 32,
        kObject = 64,
    };

    struct Node {
        uint32_t types = 0;
        std::string description;
        std::optional<Json> default_value;
        std::optional<std::vector<Json>> enum_values;
        std::optional<double> minimum, maximum;
        bool exclusive_minimum = false, exclusive_maximum = false;
        std::optional<uint64_t> min_length, max_length, min_items, max_items;
        std::optional<Regex> pattern;
        std::string pattern_text;
        std::shared_ptr<const Node> items;
        std::vector<std::pair<std::string, std::shared_ptr<const Node>>> properties;  // declared order
        std::vector<std::string> required;
        bool additional_allowed = true;
        std::shared_ptr<const Node> additional;  // schema for extra properties, if any
        // StackStorm extensions.
        bool secret = false;
        bool immutable = false;
        std::optional<int> position;

        const Node* property(const std::string& name) const;
        bool is_required(const std::string& name) const;
    };

    JsonSchema() = default;

    // Throws std::invalid_argument("<where>: <problem>") for a schema it cannot
    // use (unknown type, bad pattern, wrong keyword value). `closed_root`: an
    // object root without `additionalProperties` refuses unknown properties
    // (StackStorm's rule for action parameters).
    static JsonSchema compile(const Json& schema, const std::string& where, bool closed_root = false);

    // Checks `value`, converting integral floats to integers where an integer
    // is expected and filling declared defaults of absent properties. Appends
    // one message per problem, e.g. "parameter 'count' must be an integer,
    // got \"x\"". `noun` names what is validated ("parameter", "config key");
    // secret values never appear in messages.
    void validate(Json& value, const std::string& noun, std::vector<std::string>& problems) const;

    // A copy of `value` with every value the schema marks `secret` replaced
    // by "********" (at any depth the schema describes).
    Json masked(const Json& value) const;
    bool has_secrets() const { return has_secrets_; }

    const Node& root() const { return *root_; }
    bool empty() const { return root_ == nullptr; }

    static std::string type_names(uint32_t types);

private:
    std::shared_ptr<const Node> root_;
    bool has_secrets_ = false;
};

inline constexpr const char* kSecretMask = "********";

}  // namespace packhost::core

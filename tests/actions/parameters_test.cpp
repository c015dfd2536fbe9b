// Parameter resolution against an action's schema: every keyword, with the
// exact message a user sees.
#include "actions/parameters.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

using packhost::actions::ParameterSpec;
using json = packhost::Json;

namespace {

const char* kSchema = R"({
  "type": "object",
  "properties": {
    "name":   {"type": "string", "required": true, "minLength": 3, "maxLength": 8, "pattern": "^[a-z]+$",
               "description": "Who"},
    "count":  {"type": "integer", "minimum": 1, "maximum": 10, "default": 5},
    "ratio":  {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "flag":   {"type": "boolean"},
    "color":  {"type": "string", "enum": ["red", "green"]},
    "hosts":  {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": 3},
    "server": {"type": "object", "required": ["host"], "additionalProperties": false,
               "properties": {"host": {"type": "string"},
                              "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22}}},
    "token":  {"type": "string", "secret": true, "minLength": 10},
    "mode":   {"type": "string", "default": "fast", "immutable": true},
    "maybe":  {"type": ["string", "null"]},
    "old":    {"type": "number", "minimum": 1, "exclusiveMinimum": true}
  }
})";

ParameterSpec spec() { return ParameterSpec::compile(packhost::Json::parse(kSchema), "test"); }

struct Case {
    const char* input;
    const char* expected;  // JSON of the resolved parameters, or nullptr
    std::vector<std::string> problems;
};

const Case kCases[] = {
    // Defaults fill in; nested defaults too.
    {R"({"name": "bob"})", R"({"name": "bob", "count": 5, "mode": "fast"})", {}},
    {R"({"name": "bob", "server": {"host": "h"}})",
     R"({"name": "bob", "count": 5, "mode": "fast", "server": {"host": "h", "port": 22}})",
     {}},
    // required
    {R"({})", nullptr, {"parameter 'name' is required"}},
    // type
    {R"({"name": 7})", nullptr, {"parameter 'name' must be a string, got 7"}},
    {R"({"name": "bob", "count": "5"})", nullptr, {"parameter 'count' must be an integer, got \"5\""}},
    {R"({"name": "bob", "count": 2.5})", nullptr, {"parameter 'count' must be an integer, got 2.5"}},
    {R"({"name": "bob", "flag": "yes"})", nullptr, {"parameter 'flag' must be a boolean, got \"yes\""}},
    {R"({"name": "bob", "hosts": "a"})", nullptr, {"parameter 'hosts' must be an array, got \"a\""}},
    {R"({"name": "bob", "server": "h"})", nullptr, {"parameter 'server' must be an object, got \"h\""}},
    {R"({"name": "bob", "maybe": 3})", nullptr, {"parameter 'maybe' must be a string or null, got 3"}},
    {R"({"name": "bob", "maybe": null})", R"({"name": "bob", "count": 5, "mode": "fast", "maybe": null})", {}},
    // integral floats are integers
    {R"({"name": "bob", "count": 3.0})", R"({"name": "bob", "count": 3, "mode": "fast"})", {}},
    // enum
    {R"({"name": "bob", "color": "blue"})",
     nullptr,
     {"parameter 'color' must be one of \"red\", \"green\"; got \"blue\""}},
    // minimum / maximum, inclusive and exclusive (draft 6 numbers and draft 4 booleans)
    {R"({"name": "bob", "count": 0})", nullptr, {"parameter 'count' must be >= 1, got 0"}},
    {R"({"name": "bob", "count": 11})", nullptr, {"parameter 'count' must be <= 10, got 11"}},
    {R"({"name": "bob", "count": 10})", R"({"name": "bob", "count": 10, "mode": "fast"})", {}},
    {R"({"name": "bob", "ratio": 0})", nullptr, {"parameter 'ratio' must be > 0, got 0"}},
    {R"({"name": "bob", "ratio": 1})", nullptr, {"parameter 'ratio' must be < 1, got 1"}},
    {R"({"name": "bob", "ratio": 0.5})", R"({"name": "bob", "count": 5, "mode": "fast", "ratio": 0.5})", {}},
    {R"({"name": "bob", "old": 1})", nullptr, {"parameter 'old' must be > 1, got 1"}},
    // minLength / maxLength count characters, not bytes
    {R"({"name": "bo"})", nullptr, {"parameter 'name' must be at least 3 characters long, got 2"}},
    {R"({"name": "abcdefghi"})", nullptr, {"parameter 'name' must be at most 8 characters long, got 9"}},
    // pattern
    {R"({"name": "Bob"})", nullptr, {"parameter 'name' must match pattern '^[a-z]+$', got \"Bob\""}},
    // array items, minItems, maxItems
    {R"({"name": "bob", "hosts": []})", nullptr, {"parameter 'hosts' must have at least 1 items, got 0"}},
    {R"({"name": "bob", "hosts": ["a", "b", "c", "d"]})",
     nullptr,
     {"parameter 'hosts' must have at most 3 items, got 4"}},
    {R"({"name": "bob", "hosts": ["a", 2, ""]})",
     nullptr,
     {"parameter 'hosts[1]' must be a string, got 2",
      "parameter 'hosts[2]' must be at least 1 characters long, got 0"}},
    // nested objects: required, types, unknown properties
    {R"({"name": "bob", "server": {"port": 0}})",
     nullptr,
     {"parameter 'server.port' must be >= 1, got 0", "parameter 'server.host' is required"}},
    {R"({"name": "bob", "server": {"host": "h", "user": "x"}})",
     nullptr,
     {"parameter 'server' has no property 'user'"}},
    // secrets never appear in messages
    {R"({"name": "bob", "token": "short"})", nullptr, {"parameter 'token' must be at least 10 characters long, got 5"}},
    {R"({"name": "bob", "token": 12345})", nullptr, {"parameter 'token' must be a string, got ********"}},
    // immutable
    {R"({"name": "bob", "mode": "slow"})", nullptr, {"parameter 'mode' is immutable and cannot be overridden"}},
    {R"({"name": "bob", "mode": "fast"})", R"({"name": "bob", "count": 5, "mode": "fast"})", {}},
    // unknown top-level parameters
    {R"({"name": "bob", "colour": "red"})", nullptr, {"unknown parameter 'colour'"}},
    // several problems at once, in a stable order
    {R"({"count": 99, "colour": 1})",
     nullptr,
     {"parameter 'count' must be <= 10, got 99", "parameter 'name' is required", "unknown parameter 'colour'"}},
};

}  // namespace

TEST(Parameters, Table) {
    auto s = spec();
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.input);
        json input = json::parse(c.input);
        if (c.expected) {
            // Content, whatever the order (given parameters first, then defaults).
            EXPECT_EQ(nlohmann::json(s.resolve(input)), nlohmann::json::parse(c.expected));
        } else {
            try {
                s.resolve(input);
                ADD_FAILURE() << "expected a validation error";
            } catch (const packhost::core::ValidationError& e) {
                EXPECT_EQ(e.problems(), c.problems);
            }
        }
    }
}

TEST(Parameters, NotAnObject) {
    EXPECT_THROW(spec().resolve(json::array()), packhost::core::ValidationError);
    auto none = ParameterSpec::compile(nullptr, "t");
    EXPECT_EQ(none.resolve(nullptr), json::object());
    try {
        none.resolve({{"x", 1}});
        ADD_FAILURE() << "an action without parameters took one";
    } catch (const packhost::core::ValidationError& e) {
        EXPECT_EQ(e.problems(), std::vector<std::string>{"unknown parameter 'x'"});
    }
}

TEST(Parameters, MasksSecrets) {
    auto s = spec();
    json masked = s.masked({{"name", "bob"}, {"token", "hunter2hunter2"}});
    EXPECT_EQ(masked["token"], "********");
    EXPECT_EQ(masked["name"], "bob");
}

TEST(Parameters, RowsKeepDeclarationOrder) {
    auto rows = spec().rows();
    ASSERT_EQ(rows.size(), 11u);
    EXPECT_EQ(rows[0].name, "name");
    EXPECT_TRUE(rows[0].required);
    EXPECT_EQ(rows[0].type, "string");
    EXPECT_EQ(rows[0].description, "Who");
    EXPECT_EQ(rows[1].name, "count");
    EXPECT_EQ(*rows[1].default_value, 5);
    EXPECT_EQ(rows[9].type, "string|null");
    EXPECT_TRUE(rows[7].secret);
    EXPECT_TRUE(rows[8].immutable);
}

TEST(Parameters, BadSchemasAreRefusedWithTheirPlace) {
    auto refuse = [](const char* schema) {
        try {
            ParameterSpec::compile(packhost::Json::parse(schema), "pack.so: action 'x': parameters_schema");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(refuse(R"({"type": "array"})"),
              "pack.so: action 'x': parameters_schema: the parameter schema's type must be \"object\"");
    EXPECT_EQ(refuse(R"({"properties": {"a": {"type": "text"}}})"),
              "pack.so: action 'x': parameters_schema.properties.a: unknown type 'text'");
    EXPECT_EQ(refuse(R"({"properties": {"a": {"pattern": "("}}})"),
              "pack.so: action 'x': parameters_schema.properties.a: invalid regular expression '(': missing ): (");
    EXPECT_EQ(refuse(R"({"properties": {"a": {"minLength": -1}}})"),
              "pack.so: action 'x': parameters_schema.properties.a: 'minLength' must be a non-negative integer");
    EXPECT_EQ(refuse(R"({"properties": {"a": {"enum": []}}})"),
              "pack.so: action 'x': parameters_schema.properties.a: 'enum' must be a non-empty list");
}

// Text to typed values, as `packhost run key=value` and chat commands need.
#include "actions/casting.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

using packhost::actions::cast_parameter;
using packhost::core::JsonSchema;
using json = packhost::Json;

namespace {

JsonSchema schema(const char* text) { return JsonSchema::compile(packhost::Json::parse(text), "t"); }

json cast(const char* type_schema, const std::string& text) {
    auto s = schema(type_schema);
    return cast_parameter("p", text, &s.root());
}

std::string error(const char* type_schema, const std::string& text) {
    try {
        cast(type_schema, text);
    } catch (const packhost::core::ValidationError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Casting, ByDeclaredType) {
    EXPECT_EQ(cast(R"({"type": "integer"})", "5"), json(5));
    EXPECT_EQ(cast(R"({"type": "integer"})", "-12"), json(-12));
    EXPECT_EQ(cast(R"({"type": "number"})", "2.5"), json(2.5));
    EXPECT_EQ(cast(R"({"type": "number"})", "3"), json(3));
    for (const char* t : {"true", "True", "1", "yes", "y", "on"})
        EXPECT_EQ(cast(R"({"type": "boolean"})", t), json(true)) << t;
    for (const char* f : {"false", "0", "no", "n", "off", "FALSE"})
        EXPECT_EQ(cast(R"({"type": "boolean"})", f), json(false)) << f;
    EXPECT_EQ(cast(R"({"type": "string"})", "5"), json("5"));
    EXPECT_EQ(cast(R"({"type": "array"})", "a, b,c"), json({"a", "b", "c"}));
    EXPECT_EQ(cast(R"({"type": "array", "items": {"type": "integer"}})", "1,2,3"), json({1, 2, 3}));
    EXPECT_EQ(cast(R"({"type": "array"})", "[1, \"x\"]"), json({1, "x"}));
    EXPECT_EQ(cast(R"({"type": "array"})", ""), json::array());
    EXPECT_EQ(cast(R"({"type": "object"})", R"({"a": 1})"), json({{"a", 1}}));
    EXPECT_EQ(cast(R"({"type": ["integer", "null"]})", "null"), json(nullptr));
    EXPECT_EQ(cast(R"({"type": ["string", "null"]})", "null"), json(nullptr));
    EXPECT_EQ(cast(R"({})", "anything"), json("anything"));
    EXPECT_EQ(cast_parameter("undeclared", "7", nullptr), json("7"));
}

TEST(Casting, ErrorsNameTheParameter) {
    EXPECT_EQ(error(R"({"type": "integer"})", "abc"), "parameter 'p': cannot convert \"abc\" to an integer");
    EXPECT_EQ(error(R"({"type": "integer"})", "2.5"), "parameter 'p': cannot convert \"2.5\" to an integer");
    EXPECT_EQ(error(R"({"type": "number"})", "1e999"), "parameter 'p': cannot convert \"1e999\" to a number");
    EXPECT_EQ(error(R"({"type": "boolean"})", "maybe"), "parameter 'p': cannot convert \"maybe\" to a boolean");
    EXPECT_EQ(error(R"({"type": "object"})", "[1]"),
              "parameter 'p': cannot convert \"[1]\" to an object (expected JSON such as {\"key\": \"value\"})");
    EXPECT_EQ(error(R"({"type": "array"})", "[1,"), "parameter 'p': cannot convert \"[1,\" to an array (invalid JSON)");
    EXPECT_EQ(error(R"({"type": "integer", "secret": true})", "hunter2"),
              "parameter 'p': cannot convert ******** to an integer");
}

// Orquesta's inline action input: `action: ref key=value ...`.
#include "workflows/inline_input.hpp"

#include <gtest/gtest.h>

using packhost::workflows::parse_inline_action;

TEST(InlineInput, RefAlone) {
    auto a = parse_inline_action("core.noop");
    EXPECT_EQ(a.ref, "core.noop");
    EXPECT_TRUE(a.input.empty());
}

TEST(InlineInput, ValuesAreTypedAsYamlReadsThem) {
    auto a = parse_inline_action("core.sleep seconds=0.5 quiet=true count=3 name=web1");
    EXPECT_EQ(a.input["seconds"], 0.5);
    EXPECT_EQ(a.input["quiet"], true);
    EXPECT_EQ(a.input["count"], 3);
    EXPECT_EQ(a.input["name"], "web1");
}

TEST(InlineInput, QuotedValuesAndTemplatesKeepTheirSpaces) {
    auto a = parse_inline_action(
        R"(core.echo message="hello {{ ctx().who }}" other='a b' t={{ ctx().x | default('y z') }})");
    EXPECT_EQ(a.input["message"], "hello {{ ctx().who }}");
    EXPECT_EQ(a.input["other"], "a b");
    EXPECT_EQ(a.input["t"], "{{ ctx().x | default('y z') }}");
}

TEST(InlineInput, BadInputIsRefused) {
    EXPECT_THROW(parse_inline_action("core.echo message"), std::invalid_argument);
    EXPECT_THROW(parse_inline_action(R"(core.echo message="unterminated)"), std::invalid_argument);
    EXPECT_THROW(parse_inline_action("   "), std::invalid_argument);
}

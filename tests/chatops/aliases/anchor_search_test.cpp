// search_regex_tokens as StackStorm's test_action_alias_utils.py tests it,
// and the corners of its walk over Python's regex tokens.
#include "chatops/aliases/anchor_search.hpp"

#include <gtest/gtest.h>

namespace packhost::chatops::aliases {
namespace {

TEST(AnchorSearch, StackStormsCases) {
    EXPECT_TRUE(has_beginning_anchor("^asdf"));
    EXPECT_FALSE(has_ending_anchor("^asdf"));
    EXPECT_FALSE(has_beginning_anchor("asdf"));
    EXPECT_FALSE(has_ending_anchor("asdf"));
    EXPECT_TRUE(has_ending_anchor("^asdf$"));
    EXPECT_TRUE(has_ending_anchor("^asdf|fdsa$"));
    EXPECT_TRUE(has_ending_anchor("^(?:asdf|fdsa$)"));
}

TEST(AnchorSearch, OnlyTheSecondBranchOfAnAlternationCounts) {
    EXPECT_FALSE(has_beginning_anchor("^asdf|fdsa"));
    EXPECT_FALSE(has_ending_anchor("asdf$|fdsa|x"));
    EXPECT_TRUE(has_beginning_anchor("a|^b|c"));
    // A prefix common to every branch moves out in front of it.
    EXPECT_TRUE(has_beginning_anchor("^a|^b"));
}

TEST(AnchorSearch, EscapesClassesRepeatsAndLookAroundAreNotAnchors) {
    EXPECT_TRUE(has_beginning_anchor(R"(\Afoo)"));
    EXPECT_TRUE(has_ending_anchor(R"(foo\Z)"));
    EXPECT_FALSE(has_beginning_anchor(R"(\^foo)"));
    EXPECT_FALSE(has_ending_anchor(R"(foo\$)"));
    EXPECT_FALSE(has_beginning_anchor("[^a]foo"));
    EXPECT_FALSE(has_ending_anchor("foo[$]"));
    EXPECT_FALSE(has_ending_anchor("foo(bar$)?"));
    EXPECT_FALSE(has_ending_anchor("foo(?=$)"));
    EXPECT_TRUE(has_ending_anchor("(?P<x>foo$)"));
    EXPECT_TRUE(has_beginning_anchor("(?i)^foo"));
    EXPECT_TRUE(has_beginning_anchor("(?i:^foo)"));
}

}  // namespace
}  // namespace packhost::chatops::aliases

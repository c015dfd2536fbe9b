// Every StackStorm criteria operator and alias against a table of (value,
// pattern, expected) taken from st2common/operators.py's semantics under
// Python 3: nulls, type mismatches (false, never an error), unicode case
// mapping, wildcards, regular expressions, dates.
#include "events/rules/operators.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace packhost;
using namespace packhost::events::rules;

namespace {

struct Case {
    const char* op;
    Json value;
    Json pattern;
    bool expected;
};

// 2024-01-01T00:01:00Z: a minute after the dates below.
constexpr int64_t kNow = 1704067260LL * 1000000;

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        {"equals", "a", "a", true},
        {"eq", 1, 1.0, true},
        {"equals", 1, "1", false},
        {"equals", true, 1, true},            // Python: True == 1
        {"equals", nullptr, nullptr, false},  // a null pattern never equals
        {"equals", Json::array({1, 2}), Json::array({1, 2}), true},
        {"equals", Json{{"a", 1}}, Json{{"a", 1.0}}, true},
        {"nequals", "a", "b", true},
        {"neq", "a", nullptr, true},
        {"nequals", nullptr, nullptr, false},
        {"neq", 1, 1.0, false},
        {"iequals", "ABC", "abc", true},
        {"ieq", "ÉTÉ", "été", true},
        {"iequals", "Straße", "STRASSE", false},  // 'ß'.lower() stays 'ß'
        {"iequals", 1, 1, false},                 // int has no lower(): false
        {"iequals", "a", nullptr, false},
        {"contains", "hello world", "lo w", true},
        {"contains", Json::array({"a", "b"}), "b", true},
        {"contains", Json::array({1, 2}), 2.0, true},
        {"contains", Json{{"k", 1}}, "k", true},
        {"contains", "naïve café", "café", true},
        {"contains", "abc", nullptr, false},
        {"contains", Json::array({nullptr}), nullptr, false},
        {"contains", 5, "5", false},
        {"contains", nullptr, "a", false},
        {"ncontains", "abc", "x", true},
        {"ncontains", "abc", "b", false},
        {"ncontains", Json::array({"a"}), "b", true},
        {"ncontains", 5, "x", false},
        {"ncontains", "abc", nullptr, false},
        {"icontains", "Hello", "ELL", true},
        {"icontains", Json::array({"A"}), "a", false},
        {"incontains", "Hello", "xyz", true},
        {"incontains", "Hello", "ELL", false},
        {"incontains", nullptr, "x", false},
        {"startswith", "abc", "ab", true},
        {"startswith", "abc", "bc", false},
        {"startswith", 123, "1", false},
        {"istartswith", "ABC", "ab", true},
        {"endswith", "abc", "bc", true},
        {"endswith", "c", "abc", false},
        {"iendswith", "ABC", "bc", true},
        {"matchwildcard", "file.txt", "*.txt", true},
        {"matchwildcard", "file.txt", "f?le.*", true},
        {"matchwildcard", "file.txt", "*.log", false},
        {"matchwildcard", "a1", "a[0-9]", true},
        {"matchwildcard", "ab", "a[!b]", false},
        {"matchwildcard", "ac", "a[!b]", true},
        {"matchwildcard", "a.b", "a.b", true},
        {"matchwildcard", "axb", "a.b", false},  // '.' is literal
        {"matchwildcard", "line1\nline2", "line1*", true},
        {"matchwildcard", "a+b", "a+b", true},
        {"matchwildcard", "[x", "[x", true},  // an unclosed '[' is literal
        {"matchwildcard", 5, "*", false},
        {"matchregex", "abc", "b", false},  // re.match: anchored at the start
        {"matchregex", "abc", "a.c", true},
        {"matchregex", "a\nc", "a.c", true},  // DOTALL
        {"regex", "abc", "b", true},
        {"regex", "ABC", "b", false},
        {"regex", "abc", "^b", false},
        {"regex", "a\nc", "a.c", false},
        {"regex", "abc", "(", false},  // does not compile: false
        {"regex", 5, "5", false},
        {"iregex", "ABC", "b", true},
        {"lessthan", 1, 2, true},
        {"lt", 2, 1, false},
        {"lt", "a", "b", true},
        {"lt", 1.5, 2, true},
        {"lt", 1, "2", false},  // unorderable: false
        {"lt", 1, nullptr, false},
        {"lt", nullptr, 1, false},
        {"greaterthan", 3, 2, true},
        {"gt", "b", "a", true},
        {"gt", Json::array({1, 2}), Json::array({1}), true},
        {"gt", 2, 2, false},
        {"timediff_lt", "2024-01-01T00:00:00Z", 120, true},
        {"td_lt", "2024-01-01T00:00:00Z", 30, false},
        {"timediff_gt", "2024-01-01T00:00:00Z", 30, true},
        {"td_gt", "2024-01-01T00:00:00Z", 120, false},
        {"td_lt", "2024-01-01 00:00:30", 60, true},          // no zone: UTC
        {"td_gt", "2024-01-01T01:00:00+01:00", 59.5, true},  // 00:00Z, 60 s ago
        {"td_lt", "2024-01-01T00:00:59.5-00:00", 1, true},
        {"td_lt", "not a date", 10, false},
        {"td_lt", "2024-01-01T00:00:00Z", "120", false},
        {"td_lt", "2024-01-01T00:00:00Z", nullptr, false},
        {"exists", "x", nullptr, true},
        {"exists", 0, nullptr, true},
        {"exists", nullptr, nullptr, false},
        {"nexists", nullptr, nullptr, true},
        {"nexists", false, nullptr, false},
        {"inside", "b", Json::array({"a", "b"}), true},
        {"in", "b", "abc", true},
        {"in", "k", Json{{"k", 1}}, true},
        {"in", 5, "abc", false},
        {"in", "x", nullptr, false},
        {"ninside", "z", Json::array({"a"}), true},
        {"nin", "a", Json::array({"a"}), false},
        {"nin", 5, "abc", false},
        {"nin", "a", nullptr, false},
    };
    return table;
}

}  // namespace

TEST(Operators, EveryCaseOfTheTable) {
    for (const auto& c : cases()) {
        Operator op = find_operator(c.op);
        ASSERT_NE(op, nullptr) << c.op;
        EXPECT_EQ(op(c.value, c.pattern, kNow), c.expected)
            << c.op << "(" << c.value.dump() << ", " << c.pattern.dump() << ")";
    }
}

TEST(Operators, TheTableCoversEveryNameAndNamesIgnoreCase) {
    std::set<std::string> tested;
    for (const auto& c : cases()) tested.insert(c.op);
    for (const auto& name : operator_names()) {
        if (name == "search") continue;  // tests/events/rules/criteria_test.cpp
        EXPECT_TRUE(tested.count(name)) << name << " has no case";
    }
    EXPECT_EQ(operator_names().size(), 33u);
    EXPECT_EQ(find_operator("Equals"), find_operator("eq"));
    EXPECT_EQ(find_operator("REGEX"), find_operator("regex"));
    EXPECT_EQ(find_operator("search"), nullptr);
    EXPECT_EQ(find_operator("like"), nullptr);
}

TEST(Operators, WildcardsTranslateAsFnmatchDoes) {
    EXPECT_EQ(wildcard_to_regex("*.txt"), "(?s:.*\\.txt)\\z");
    EXPECT_EQ(wildcard_to_regex("a[!b]?"), "(?s:a[^b].)\\z");
}

TEST(Operators, DatesParseAsIso8601InUtc) {
    int64_t us = 0;
    ASSERT_TRUE(parse_date_us("1970-01-01T00:00:01Z", us));
    EXPECT_EQ(us, 1000000);
    ASSERT_TRUE(parse_date_us("1970-01-01", us));
    EXPECT_EQ(us, 0);
    ASSERT_TRUE(parse_date_us("2024-02-29T12:00:00.123456+02:00", us));
    EXPECT_EQ(us, (1709208000LL - 7200) * 1000000 + 123456);
    for (const char* bad : {"", "2024", "2024-13-01", "2024-01-01T25:00", "2024-01-01X", "yesterday"}) {
        EXPECT_FALSE(parse_date_us(bad, us)) << bad;
    }
}

// StackStorm's ActionAliasFormatParser, case by case: the formats, commands
// and results of st2common's test_action_alias_utils.py, and what its
// regular expressions do with quotes, JSON, defaults, lines and anchors.
#include "chatops/aliases/format_parser.hpp"

#include <gtest/gtest.h>

#include "core/json_text.hpp"

namespace packhost::chatops::aliases {
namespace {

struct Case {
    const char* format;
    const char* command;
    const char* expected;  // JSON object
};

class Extracts : public ::testing::TestWithParam<Case> {};

TEST_P(Extracts, AsStackStormDoes) {
    const auto& c = GetParam();
    FormatParser parser(c.format);
    EXPECT_EQ(parser.extract(c.command), Json::parse(c.expected))
        << "format: " << c.format << "\ncommand: " << c.command << "\nregex: " << parser.regex();
}

INSTANTIATE_TEST_SUITE_P(
    StackStormCases, Extracts,
    ::testing::Values(
        Case{"", "", "{}"}, Case{"", "a=foobar1", R"({"a": "foobar1"})"},
        Case{"foo", R"(foo a="foobar2 poonies bar")", R"({"a": "foobar2 poonies bar"})"},
        Case{"foo", "foo a='foobar2 poonies bar'", R"({"a": "foobar2 poonies bar"})"},
        Case{"foo", R"(foo a={"foobar2": "poonies"})", R"({"a": "{\"foobar2\": \"poonies\"}"})"},
        Case{"", R"(a=foobar1 b="boobar2 3 4" c='coobar3 4' d={"a": "b"})",
             R"({"a": "foobar1", "b": "boobar2 3 4", "c": "coobar3 4", "d": "{\"a\": \"b\"}"})"},
        Case{"{{ captain }} is my captain", R"(Malcolm Reynolds is my captain weirdo="River Tam")",
             R"({"captain": "Malcolm Reynolds", "weirdo": "River Tam"})"},
        Case{"skip {{a}} more skip {{b}} and skip more.", "skip a1 more skip b1 and skip more.",
             R"({"a": "a1", "b": "b1"})"},
        Case{"skip {{a}} more skip {{b}}", "skip a1 more skip b1", R"({"a": "a1", "b": "b1"})"},
        Case{"skip {{a}} more skip {{b}} and skip more.", R"(skip "a1 a2" more skip b1 and skip more.)",
             R"({"a": "a1 a2", "b": "b1"})"},
        Case{"acl {{a}} {{b}} {{c}} {{d=1}}", R"(acl "a1 a2" "b1" "c1")",
             R"({"a": "a1 a2", "b": "b1", "c": "c1", "d": "1"})"},
        Case{"acl {{a=test}}", "acl", R"({"a": "test"})"},
        Case{"skip {{a}} more skip.", R"(skip {"a": "b", "c": "d"} more skip.)",
             R"({"a": "{\"a\": \"b\", \"c\": \"d\"}"})"},
        Case{"skip {{a}} more skip {{b}}.", R"(skip {"a": "b", "c": "d"} more skip x.)",
             R"({"a": "{\"a\": \"b\", \"c\": \"d\"}", "b": "x"})"},
        Case{"s {{a}} more {{ b }} more {{ c=99 }} more {{ d = 99 }}", "s one more two more three more",
             R"({"a": "one", "b": "two", "c": "three", "d": "99"})"},
        Case{"skip {{ a = value }} more", "skip one more", R"({"a": "one"})"},
        Case{"skip {{ a = value }} more", "skip more", R"({"a": "value"})"},
        Case{"two by two hands of {{ color = {{ colors.default_color }} }}", "two by two hands of",
             R"({"color": "{{ colors.default_color }}"})"},
        Case{"testing {{ a }}", "testing value b=value2", R"({"a": "value", "b": "value2"})"},
        Case{"testing {{ a=new }}", R"(testing b="another value")", R"({"a": "new", "b": "another value"})"},
        Case{"testing {{ b=abc }} {{ c=xyz }}", R"(testing newvalue d={"1": "2"} e="long value")",
             R"({"b": "newvalue", "c": "xyz", "d": "{\"1\": \"2\"}", "e": "long value"})"},
        Case{"skip {{d=test1}} more skip {{e=test1}}.", "skip more skip", R"({"d": "test1", "e": "test1"})"},
        Case{"skip {{d=test}} more skip {{e=test}}", "skip ponies more skip", R"({"d": "ponies", "e": "test"})"},
        Case{"{{ p0='http' }} g {{ p1=p }} a {{ url }} {{ p2={'a':'b'} }} {{ p3={{ e.i }} }}",
             "g a http://google.com {{ execution.id }} p4='testing' p5={'a':'c'}",
             R"({"p0": "http", "p1": "p", "url": "http://google.com", "p2": "{{ execution.id }}",
                 "p3": "{{ e.i }}", "p4": "testing", "p5": "{'a':'c'}"})"},
        Case{"foo bar", "foo bar pony1=foo pony2=bar", R"({"pony1": "foo", "pony2": "bar"})"},
        Case{R"(^\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+))", "foo ASDF-1234", R"({"issue_key": "ASDF-1234"})"},
        Case{R"(foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\s*$)", "foo ASDF-1234", R"({"issue_key": "ASDF-1234"})"},
        Case{R"(^\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+) bar\s*$)", "foo ASDF-1234 bar",
             R"({"issue_key": "ASDF-1234"})"},
        // The reference's own alias (stackstorm.md §7.1): a regex around
        // placeholders, an optional part with a default.
        Case{"(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?", "run date on web1",
             R"({"cmd": "date", "hosts": "web1"})"},
        Case{"(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?", "execute uptime!",
             R"({"cmd": "uptime", "hosts": "localhost"})"},
        Case{"run {{cmd}} on {{hosts}}", "run date on localhost timeout=120",
             R"({"cmd": "date", "hosts": "localhost", "timeout": "120"})"},
        // A value may span lines; quotes go, inner quotes stay.
        Case{"say {{message}}", "say first line\nsecond line", R"({"message": "first line\nsecond line"})"},
        Case{"say {{message}}", R"(say "it's here")", R"({"message": "it's here"})"},
        // '' is not an empty quoted value: the first quote opens, the lazy
        // value takes the second.
        Case{"say {{message}}", "say ''", R"({"message": "'"})"},
        Case{"deploy {{app}} to {{env=staging}}", "deploy web to", R"({"app": "web", "env": "staging"})"},
        // Unicode: \s is Python 3's (a no-break space is space), while the
        // format's own space stays a literal one.
        Case{"greet {{name}}", "greet Zoë Ångström", R"({"name": "Zoë Ångström"})"},
        Case{"greet {{name}}", "greet Zoë\u00a0", R"({"name": "Zoë"})"}));

TEST(FormatParser, TheFormatsOwnSpaceIsLiteral) {
    EXPECT_THROW(FormatParser("greet {{name}}").extract("greet\u00a0Zoë"), FormatMismatch);
}

TEST(FormatParser, ACommandThatDoesNotMatchGetsStackStormsMessage) {
    try {
        FormatParser("foo bar ponies").extract("foo lulz ponies");
        FAIL() << "matched";
    } catch (const FormatMismatch& e) {
        EXPECT_STREQ(e.what(), R"(Command "foo lulz ponies" doesn't match format string "foo bar ponies")");
    }
    try {
        FormatParser("skip {{d}} more skip {{e}}.").extract("");
        FAIL() << "matched";
    } catch (const FormatMismatch& e) {
        EXPECT_STREQ(e.what(), R"(Command "" doesn't match format string "skip {{d}} more skip {{e}}.")");
    }
}

TEST(FormatParser, AnchorsInTheFormatAreKept) {
    const char* starts = R"(^\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+))";
    EXPECT_THROW(FormatParser(starts).extract("bar foo ASDF-1234"), FormatMismatch);
    const char* ends = R"(foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\s*$)";
    EXPECT_THROW(FormatParser(ends).extract("foo ASDF-1234 bar"), FormatMismatch);
    const char* both = R"(^\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\s*$)";
    EXPECT_THROW(FormatParser(both).extract("bar ASDF-1234"), FormatMismatch);
    // Unanchored formats are anchored on both sides.
    EXPECT_THROW(FormatParser("status").extract("status please"), FormatMismatch);
    EXPECT_THROW(FormatParser("status").extract("show status"), FormatMismatch);
}

TEST(FormatParser, NoValueAndNoDefaultIsAMismatch) {
    // A format of nothing but optional parts, a command of nothing: defaults.
    EXPECT_EQ(FormatParser("{{a=x}}").extract(""), Json::parse(R"({"a": "x"})"));
    // A format whose parts are all empty and a command with no value.
    try {
        FormatParser("(?P<a>x)?").extract("");
        FAIL() << "matched";
    } catch (const FormatMismatch& e) {
        EXPECT_STREQ(e.what(), "No value supplied and no default value found.");
    }
}

TEST(FormatParser, GroupsThatDidNotTakePartAreNull) {
    EXPECT_EQ(FormatParser("run {{cmd}}( on {{hosts}})?").extract("run date"),
              Json::parse(R"({"cmd": "date", "hosts": null})"));
}

TEST(FormatParser, MatchMultipleFindsEveryOccurrence) {
    // Anchored on both sides through second branches, so StackStorm adds no
    // anchors of its own (which would allow one match only).
    FormatParser parser(R"((?:\b|^)(?P<ticket>[A-Z]+-[0-9]+)(?:\b|$))");
    auto all = parser.extract_all(FormatParser::prepare("see ABC-1 and DEF-22, not x-3"));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], Json::parse(R"({"ticket": "ABC-1"})"));
    EXPECT_EQ(all[1], Json::parse(R"({"ticket": "DEF-22"})"));
}

TEST(FormatParser, ABrokenFormatIsRefusedWithTheReason) {
    try {
        FormatParser parser("run (unclosed {{cmd}}");
        FAIL() << "compiled";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("format \"run (unclosed {{cmd}}\" is not a valid regular expression"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(FormatParser("run {{a.b}}"), std::invalid_argument);  // not a group name in Python either
}

TEST(FormatParser, TextThatIsNotUtf8IsRefused) {
    FormatParser parser("say {{message}}");
    EXPECT_THROW(parser.extract("say \xff\xfe"), std::invalid_argument);
    EXPECT_THROW(parser.extract("say \xff\xfe x=1"), std::invalid_argument);  // with trailing pairs too
}

TEST(FormatParser, PlainWordsAndRegularExpressionsMatchAsBefore) {
    // A format of plain words is passed over when its longest word is
    // missing; one with regular expression syntax is always searched.
    FormatParser words("deploy {{app}} to {{env=staging}}");
    EXPECT_TRUE(words.matches(FormatParser::prepare("deploy web to")));
    EXPECT_FALSE(words.matches(FormatParser::prepare("deploy web")));  // "to" is no placeholder
    EXPECT_TRUE(words.matches(FormatParser::prepare("  deploy web to prod ")));
    EXPECT_FALSE(words.matches(FormatParser::prepare("deplo web to prod")));
    EXPECT_FALSE(words.matches(FormatParser::prepare("web to prod deploy=1")));  // the word went with the pairs
    FormatParser regex("(?:deploy|ship) {{app}}");
    EXPECT_TRUE(regex.matches(FormatParser::prepare("ship web")));
    FormatParser dotted("v1.2 {{app}}");  // '.' is any character to the regular expression
    EXPECT_TRUE(dotted.matches(FormatParser::prepare("v1x2 web")));
}

TEST(FormatParser, AHostileCommandCostsBoundedWork) {
    // Nested lazy groups against a long run with no way to match: the search
    // either proves there is no match or stops at the match limit.
    FormatParser parser("(?:{{a}} )*{{b}} end");
    std::string command(20000, 'x');
    for (size_t i = 1; i < command.size(); i += 2) command[i] = ' ';
    bool gave_up = false;
    try {
        EXPECT_FALSE(parser.matches(FormatParser::prepare(command)));
    } catch (const core::PythonRegex::TooCostly&) {
        gave_up = true;
    }
    // And the same format still answers a command that fits it.
    EXPECT_TRUE(parser.matches(FormatParser::prepare("x y z end")));
    (void)gave_up;
}

}  // namespace
}  // namespace packhost::chatops::aliases

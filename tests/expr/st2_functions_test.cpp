// StackStorm's expression functions (st2common/expressions/functions), as
// filters and called as functions, in Jinja and in YAQL, the way Orquesta's
// catalog offers them. Expected values follow StackStorm's own functions
// (json.loads/dumps, yaml.safe_load, jsonpath-rw, semver, the fuzzy time).
#include <gtest/gtest.h>

#include <set>

#include "expr/template.hpp"
#include "expr/yaql/template.hpp"

using packhost::Json;
using packhost::expr::Context;
using packhost::expr::Template;
using packhost::expr::TemplateError;
using packhost::expr::Value;

namespace {

const Json kVars = {{"doc",
                     {{"servers", {{{"name", "a"}, {"ip", "10.0.0.1"}}, {{"name", "b"}, {"ip", "10.0.0.2"}}}},
                      {"meta", {{"name", "top"}}}}},
                    {"text", "{\"k\": [1, 2]}"},
                    {"yml", "a: 1\nb: [x, y]\n"},
                    {"v", "1.4.2"}};

Json jinja(const std::string& t) { return Template::compile(t)->render_value(Context(kVars)); }
Json render_yaql(const std::string& t) {
    return packhost::expr::yaql::Template::compile(t)->render_value(Context(kVars), Value::borrow(kVars));
}

}  // namespace

TEST(St2Functions, CalledAsFiltersAndAsFunctionsAlike) {
    Json parsed = {{"k", {1, 2}}};
    EXPECT_EQ(jinja("{{ text | json_parse }}"), parsed);
    EXPECT_EQ(jinja("{{ json_parse(text) }}"), parsed);
    EXPECT_EQ(render_yaql("<% json_parse($.text) %>"), parsed);
    EXPECT_EQ(render_yaql("<% $.text.json_parse() %>"), parsed);
    EXPECT_EQ(jinja("{{ from_json_string(text) }}"), parsed);
    EXPECT_EQ(jinja("{{ json_dump({'a': 1}) }}"), Json("{\"a\": 1}"));
    EXPECT_EQ(render_yaql("<% json_dump({a => [1, 2]}) %>"), Json("{\"a\": [1,2]}"));
    EXPECT_EQ(jinja("{{ to_complex({'a': [1, 2]}) }}"), Json("{\"a\": [1, 2]}"));
    EXPECT_EQ(jinja("{{ yaml_parse(yml) }}"), (Json{{"a", 1}, {"b", {"x", "y"}}}));
    EXPECT_EQ(render_yaql("<% yaml_dump({a => 1}) %>"), Json("a: 1\n"));
    EXPECT_EQ(jinja("{{ basename('/a/b/c.txt') }} {{ dirname('/a/b/c.txt') }}"), Json("c.txt /a/b"));
    EXPECT_EQ(render_yaql("<% regex_match('abc123', '[a-z]+') %>"), Json(true));
    EXPECT_EQ(jinja("{{ regex_replace('a1b2', '[0-9]', '#') }}"), Json("a#b#"));
    EXPECT_EQ(render_yaql("<% use_none(null) %>"), Json("%*****__%NONE%__*****%"));
    // Only StackStorm's functions are functions: jinja2's own filters are not.
    EXPECT_THROW(jinja("{{ upper('x') }}"), TemplateError);
    EXPECT_THROW(render_yaql("<% upper('x') %>"), TemplateError);
}

TEST(St2Functions, JsonpathQueryFindsAsJsonpathRwDoes) {
    EXPECT_EQ(jinja("{{ doc | jsonpath_query('servers[*].ip') }}"), Json({"10.0.0.1", "10.0.0.2"}));
    EXPECT_EQ(jinja("{{ jsonpath_query(doc, '$.servers[1].name') }}"), Json({"b"}));
    EXPECT_EQ(render_yaql("<% jsonpath_query($.doc, '$..name') %>"), Json({"a", "b", "top"}));
    EXPECT_EQ(jinja("{{ jsonpath_query(doc, 'meta.*') }}"), Json({"top"}));
    EXPECT_EQ(jinja("{{ jsonpath_query(doc, \"servers[0:1].name\") }}"), Json({"a"}));
    EXPECT_EQ(jinja("{{ jsonpath_query(doc, \"['meta']['name']\") }}"), Json({"top"}));
    // Nothing found is None, not an empty list.
    EXPECT_EQ(jinja("{{ jsonpath_query(doc, 'nothing.here') }}"), Json(nullptr));
    EXPECT_THROW(jinja("{{ jsonpath_query(doc, 'servers[') }}"), TemplateError);
}

TEST(St2Functions, VersionsCompareAsSemverDoes) {
    EXPECT_EQ(jinja("{{ version_compare(v, '1.5.0') }}"), Json(-1));
    EXPECT_EQ(render_yaql("<% $.v.version_more_than('1.4.1') %>"), Json(true));
    EXPECT_EQ(jinja("{{ v | version_match('>=1.4.0') }}"), Json(true));
    EXPECT_EQ(jinja("{{ v | version_match('<1.4.2') }}"), Json(false));
    EXPECT_EQ(jinja("{{ v | version_match('!=1.4.2') }}"), Json(false));
    EXPECT_EQ(jinja("{{ v | version_match('==1.4.2') }}"), Json(true));
    EXPECT_EQ(jinja("{{ version_strip_patch(v) }}"), Json("1.4"));
    EXPECT_EQ(render_yaql("<% version_bump_patch($.v) %>"), Json("1.4.3"));
    EXPECT_THROW(jinja("{{ v | version_match('~1.4') }}"), TemplateError);
}

TEST(St2Functions, HumanTimeFromSeconds) {
    // StackStorm's results: years, then the day of the month (months are not shown).
    const std::pair<const char*, const char*> cases[] = {
        {"0", "0s"},
        {"0.1", "0.1\u03bcs"},
        {"56", "56s"},
        {"56.2", "56s"},
        {"456", "7m36s"},
        {"456.7", "7m37s"},
        {"4560", "1h16m0s"},
        {"45678", "12h41m18s"},
        {"4567890", "21d20h51m30s"},
        {"45678901", "1y12d16h35m1s"},
        {"3600", "1h0m0s"},
        {"3456000", "9d0h0m0s"},
    };
    for (const auto& [seconds, text] : cases) {
        EXPECT_EQ(jinja(std::string("{{ to_human_time_from_seconds(") + seconds + ") }}"), Json(text)) << seconds;
    }
    EXPECT_EQ(render_yaql("<% to_human_time_from_seconds(456) %>"), Json("7m36s"));
}

// jinja2's random filter: an item of the sequence (each of them, given
// enough draws); an empty one is undefined, which fails a strict render.
TEST(St2Functions, JinjaRandomPicksAnItemOfTheSequence) {
    std::set<Json> seen;
    for (int i = 0; i < 200; ++i) seen.insert(jinja("{{ ['a', 'b', 'c'] | random }}"));
    EXPECT_EQ(seen, (std::set<Json>{"a", "b", "c"}));
    EXPECT_EQ(jinja("{{ doc.servers | random | list | length }}"), 2) << "an object of the list, whole";
    EXPECT_EQ(jinja("{{ 'x' | random }}"), "x") << "a string is a sequence of characters";
    EXPECT_EQ(jinja("{{ [] | random is undefined }}"), true);
}

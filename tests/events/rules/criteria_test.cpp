// Rule criteria as StackStorm evaluates them: jsonpath-like keys over
// {"trigger": payload} (headers['X-Y'], #tag suffixes), every search
// condition (over a list, over a mapping as one item, nested), patterns
// rendered with the trigger (typed when one {{ }}), failures named by key.
#include "events/rules/criteria.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "expr/template.hpp"

using namespace packhost;
using namespace packhost::events::rules;

namespace {

Json parse_yaml_like(const char* json) { return Json::parse(json); }

CriteriaResult check(const Json& criteria, const Json& payload) {
    PatternRenderer render = [](const std::string& pattern, const Json& context) {
        return expr::Template::compile(pattern)->render_value(expr::Context(context));
    };
    Json context = Json::object();
    context["trigger"] = payload;
    return Criteria::parse(criteria, "rule.yaml: criteria").evaluate(context, render, 0);
}

const Json kPayload = parse_yaml_like(R"({
  "headers": {"X-Custom-Header": "customvalue", "Content-Type": "application/json"},
  "body": {"key1": "value1", "count": 3, "tags": ["StackStorm", "ops"], "nothing": null,
           "build": {"number": 42}},
  "issue_fields": [
    {"field_name": "Status", "to_value": "Approved"},
    {"field_name": "Assignee", "to_value": "alice"}
  ],
  "single": {"field_name": "Status", "to_value": "Open"}
})");

}  // namespace

TEST(Criteria, AllMustHoldAndTheFirstThatDoesNotIsNamed) {
    auto ok = check(Json::parse(R"({
        "trigger.body.key1": {"type": "equals", "pattern": "value1"},
        "trigger.headers['X-Custom-Header']": {"type": "eq", "pattern": "customvalue"},
        "trigger.body.count": {"type": "gt", "pattern": 2},
        "trigger.body.tags": {"type": "contains", "pattern": "ops"},
        "trigger.body.tags#1": {"type": "ncontains", "pattern": "jira"},
        "trigger.body.build.number": {"type": "lessthan", "pattern": 100},
        "trigger.issue_fields[1].to_value": {"type": "equals", "pattern": "alice"},
        "trigger.issue_fields[*].field_name": {"type": "equals", "pattern": "Status"},
        "trigger['body'][\"key1\"]": {"type": "equals", "pattern": "value1"}
    })"),
                    kPayload);
    EXPECT_TRUE(ok.matched) << ok.failed;

    auto no = check(Json::parse(R"({
        "trigger.body.key1": {"type": "equals", "pattern": "value1"},
        "trigger.body.tags#2": {"type": "contains", "pattern": "jira"}
    })"),
                    kPayload);
    EXPECT_FALSE(no.matched);
    EXPECT_EQ(no.failed, "trigger.body.tags#2");
    EXPECT_TRUE(no.error.empty());
}

TEST(Criteria, NoCriteriaMatchEverything) {
    EXPECT_TRUE(check(nullptr, kPayload).matched);
    EXPECT_TRUE(check(Json::object(), kPayload).matched);
}

TEST(Criteria, AMissingKeyIsNullAndAKeyHoldingNullDoesNotExist) {
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.absent": {"type": "nexists"}})"), kPayload).matched);
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.nothing": {"type": "nexists"}})"), kPayload).matched);
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.key1": {"type": "exists"}})"), kPayload).matched);
    EXPECT_FALSE(
        check(Json::parse(R"({"trigger.body.absent": {"type": "equals", "pattern": null}})"), kPayload).matched);
    // A type mismatch is a criterion that does not hold, not an error.
    auto mismatch = check(Json::parse(R"({"trigger.body.count": {"type": "startswith", "pattern": "3"}})"), kPayload);
    EXPECT_FALSE(mismatch.matched);
    EXPECT_TRUE(mismatch.error.empty());
}

TEST(Criteria, SearchConditionsOverAListAMappingAndNested) {
    auto search = [](const char* condition, const char* status, const char* to) {
        Json c = Json::object();
        c["trigger.issue_fields"] = {{"type", "search"},
                                     {"condition", condition},
                                     {"pattern",
                                      {{"item.field_name", {{"type", "equals"}, {"pattern", status}}},
                                       {"item.to_value", {{"type", "equals"}, {"pattern", to}}}}}};
        return check(c, kPayload).matched;
    };
    // any: some item matches every child; all: every item matches every child.
    EXPECT_TRUE(search("any", "Status", "Approved"));
    EXPECT_FALSE(search("any", "Status", "alice"));
    EXPECT_FALSE(search("all", "Status", "Approved"));
    // any2any: some item matches some child; all2any: every item matches some child.
    EXPECT_TRUE(search("any2any", "Status", "nobody"));
    EXPECT_FALSE(search("any2any", "Nothing", "nobody"));
    EXPECT_TRUE(search("all2any", "Status", "alice"));
    EXPECT_FALSE(search("all2any", "Status", "nobody"));

    // A mapping is searched as one item.
    Json one = Json::parse(R"({"trigger.single": {"type": "search", "condition": "all", "pattern": {
        "item.field_name": {"type": "equals", "pattern": "Status"},
        "item.to_value": {"type": "iequals", "pattern": "OPEN"}}}})");
    EXPECT_TRUE(check(one, kPayload).matched);
    // Nested: an item's own list searched in turn.
    Json payload = Json::parse(R"({"hosts": [{"name": "a", "disks": [{"free": 10}, {"free": 90}]},
                                             {"name": "b", "disks": [{"free": 50}]}]})");
    Json nested = Json::parse(R"({"trigger.hosts": {"type": "search", "condition": "any", "pattern": {
        "item.name": {"type": "equals", "pattern": "a"},
        "item.disks": {"type": "search", "condition": "any", "pattern": {
            "item.free": {"type": "lt", "pattern": 20}}}}}})");
    EXPECT_TRUE(check(nested, payload).matched);
    nested["trigger.hosts"]["pattern"]["item.name"]["pattern"] = "b";
    EXPECT_FALSE(check(nested, payload).matched);
    // Not a list or a mapping: false.
    Json scalar = Json::parse(R"({"trigger.body.count": {"type": "search", "condition": "any", "pattern": {
        "item.x": {"type": "exists"}}}})");
    EXPECT_FALSE(check(scalar, kPayload).matched);
}

TEST(Criteria, PatternsAreRenderedOneExpressionTyped) {
    // {{ }} alone keeps the value's type: 3 equals 3, not "3".
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.count": {"type": "equals", "pattern": "{{ 1 + 2 }}"}})"), kPayload)
                    .matched);
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.key1": {"type": "equals",
                                      "pattern": "{{ trigger.single.to_value | lower }}"}})"),
                      Json::parse(R"({"body": {"key1": "open"}, "single": {"to_value": "Open"}})"))
                    .matched);
    // Text around it: rendered as text.
    EXPECT_TRUE(check(Json::parse(R"({"trigger.body.key1": {"type": "equals", "pattern": "value{{ 1 }}"}})"), kPayload)
                    .matched);
    // A pattern that fails to render: the criterion does not hold, and why is said.
    auto failed =
        check(Json::parse(R"({"trigger.body.key1": {"type": "equals", "pattern": "{{ 1 / 0 }}"}})"), kPayload);
    EXPECT_FALSE(failed.matched);
    EXPECT_EQ(failed.failed, "trigger.body.key1");
    EXPECT_NE(failed.error.find("Failed to render pattern value \"{{ 1 / 0 }}\" for key \"trigger.body.key1\""),
              std::string::npos)
        << failed.error;
}

TEST(Criteria, BadCriteriaAreRefusedNamingEachKey) {
    try {
        Criteria::parse(Json::parse(R"({
            "trigger.a": {"type": "like", "pattern": "x"},
            "trigger.b": "equals",
            "trigger.c": {"type": "search", "condition": "some", "pattern": {"item.x": {"type": "exists"}}},
            "trigger.d": {"type": "search", "condition": "any"},
            "trigger[": {"type": "exists"},
            "trigger.ok": {"type": "exists"}
        })"),
                        "rules/r.yaml: criteria");
        FAIL() << "accepted";
    } catch (const core::ValidationError& e) {
        const auto& p = e.problems();
        ASSERT_EQ(p.size(), 5u) << e.what();
        EXPECT_NE(p[0].find("rules/r.yaml: criteria.trigger.a.type: unknown operator 'like' (one of: equals, eq,"),
                  std::string::npos)
            << p[0];
        EXPECT_NE(p[1].find("criteria.trigger.b: must be {type: OPERATOR, pattern: VALUE}"), std::string::npos) << p[1];
        EXPECT_NE(p[2].find("criteria.trigger.c.condition: 'some' is not a search condition"), std::string::npos)
            << p[2];
        EXPECT_NE(p[3].find("criteria.trigger.d.pattern: a search needs child criteria"), std::string::npos) << p[3];
        EXPECT_NE(p[4].find("criteria.trigger[: not a payload path"), std::string::npos) << p[4];
    }
}

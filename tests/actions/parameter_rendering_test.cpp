// Templates in action parameters: rendered against action_context and the
// other parameters, typed, cast to the declared type, cycles refused.
#include "actions/parameter_rendering.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

using namespace packhost::actions;
using json = packhost::Json;

namespace {

ParameterSpec rendering_spec() {
    return ParameterSpec::compile(packhost::Json::parse(R"({
      "type": "object",
      "properties": {
        "who":      {"type": "string", "default": "{{ action_context.user }}"},
        "greeting": {"type": "string", "default": "hello {{ who }}"},
        "count":    {"type": "integer", "default": "{{ 2 + 3 }}"},
        "doubled":  {"type": "integer", "default": "{{ count * 2 }}"},
        "text_num": {"type": "integer", "default": "{{ count }}0"},
        "ratio":    {"type": "number"},
        "flag":     {"type": "boolean"},
        "tags":     {"type": "array", "default": "{{ ['a', who] }}"},
        "label":    {"type": "string"},
        "maybe":    {"type": ["string", "null"], "default": "{{ none | use_none }}"},
        "nested":   {"type": "object"}
      }})"),
                                  "test");
}

json render(json provided) {
    static packhost::expr::TemplateCache cache;
    TemplateScope scope;
    scope.action_context = {{"user", "stanley"}, {"pack", "demo"}};
    auto s = rendering_spec();
    return s.validate(render_parameters(s, s.complete(std::move(provided)), scope, cache));
}

std::string error(json provided) {
    try {
        render(std::move(provided));
    } catch (const packhost::core::ValidationError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(ParameterRendering, DefaultsReferToContextAndEachOther) {
    json p = render(json::object());
    EXPECT_EQ(p["who"], "stanley");
    EXPECT_EQ(p["greeting"], "hello stanley");
    EXPECT_EQ(p["count"], 5) << "a single expression yields its typed value";
    EXPECT_EQ(p["doubled"], 10) << "depends on another templated parameter";
    EXPECT_EQ(p["text_num"], 50) << "rendered text cast to the declared integer";
    EXPECT_EQ(p["tags"], json({"a", "stanley"}));
    EXPECT_TRUE(p["maybe"].is_null()) << "use_none renders StackStorm's None marker";
}

TEST(ParameterRendering, ProvidedValuesAreRenderedToo) {
    json p = render({{"who", "ops"},
                     {"count", "{{ 1 + 1 }}"},
                     {"ratio", "{{ count }}.5"},
                     {"flag", "{{ count > 1 }}"},
                     {"label", "{{ count }}"},
                     {"nested", {{"k", "{{ who }}!"}, {"list", {"{{ count }}"}}}}});
    EXPECT_EQ(p["greeting"], "hello ops");
    EXPECT_EQ(p["count"], 2);
    EXPECT_EQ(p["doubled"], 4);
    EXPECT_EQ(p["ratio"], 2.5);
    EXPECT_EQ(p["flag"], true);
    EXPECT_EQ(p["label"], "2") << "a string parameter gets the value's text";
    EXPECT_EQ(p["nested"], (json{{"k", "ops!"}, {"list", {2}}}));
}

TEST(ParameterRendering, PlainValuesAreUntouched) {
    auto s = rendering_spec();
    packhost::expr::TemplateCache cache;
    json in{{"label", "no templates here"}, {"count", 3}};
    EXPECT_EQ(render_parameters(s, in, TemplateScope{}, cache), in);
}

TEST(ParameterRendering, ErrorsNameTheParameter) {
    EXPECT_EQ(error({{"label", "{{ who | uper }}"}}),
              "parameter 'label': template line 1, column 10: unknown filter 'uper'");
    EXPECT_EQ(error({{"label", "{{ missing.x }}"}}),
              "parameter 'label': template line 1, column 11: 'missing' is undefined");
    EXPECT_EQ(error({{"count", "{{ 'abc' }}"}}), "parameter 'count': cannot convert \"abc\" to an integer");
    std::string cycle = error({{"who", "{{ greeting }}"}});
    EXPECT_NE(cycle.find("which refers back to it (cyclic templates)"), std::string::npos) << cycle;
}

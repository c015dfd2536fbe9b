// What the case table cannot hold: text around expressions, functions the
// caller defines (as workflows define ctx()), errors with positions,
// lambdas nested in lambdas, and the limits a hostile expression meets.
#include <gtest/gtest.h>

#include "expr/yaql/template.hpp"

using packhost::Json;
using packhost::expr::CallArgs;
using packhost::expr::Context;
using packhost::expr::TemplateError;
using packhost::expr::Value;
namespace yaql = packhost::expr::yaql;

namespace {

Json eval(const std::string& text, const Json& data = Json::object(), const Context& context = Context()) {
    return yaql::Template::compile(text)->render_value(context, Value::borrow(data));
}

}  // namespace

TEST(Yaql, OneExpressionGivesItsValueAndTextAroundGivesText) {
    Json data{{"n", 3}, {"hosts", {"a", "b"}}, {"none", nullptr}, {"ok", true}, {"d", {{"k", "v"}}}};
    EXPECT_EQ(eval("<% $.n %>", data), Json(3));
    EXPECT_EQ(eval("<% $.hosts %>", data), Json({"a", "b"}));
    // Orquesta prints values as Python's str() does.
    EXPECT_EQ(eval("n=<% $.n %> ok=<% $.ok %> none=<% $.none %>", data), Json("n=3 ok=True none=None"));
    EXPECT_EQ(eval("<% $.hosts %>!", data), Json("['a', 'b']!"));
    EXPECT_EQ(eval("<% $.d %>.", data), Json("{'k': 'v'}."));
    EXPECT_EQ(eval("<%$.n%><%$.n%>", data), Json("33"));
    EXPECT_EQ(eval("no expression", data), Json("no expression"));
}

TEST(Yaql, CallsTheFunctionsTheCallerDefines) {
    Json vars{{"hosts", {"web1", "web2"}}, {"n", 2}};
    Context context;
    context.define_function("ctx", [&](CallArgs& a) -> Value {
        if (a.positional.empty()) return Value::borrow(vars);
        return Value::borrow(vars.at(a.positional[0].json().get<std::string>()));
    });
    context.define_function("kw", [](CallArgs& a) -> Value {
        Json out = Json::object();
        for (const auto& [k, v] : a.named) out[k] = v.to_json();
        out["args"] = static_cast<int64_t>(a.positional.size());
        return Json(out);
    });
    // A bare name is the string itself: ctx(hosts) is ctx('hosts').
    EXPECT_EQ(eval("<% ctx(hosts) %>", Json::object(), context), Json({"web1", "web2"}));
    EXPECT_EQ(eval("<% ctx().hosts.select($ + '.lan') %>", Json::object(), context), Json({"web1.lan", "web2.lan"}));
    EXPECT_EQ(eval("<% ctx(n) * 2 %>", Json::object(), context), Json(4));
    EXPECT_EQ(eval("<% kw(1, decrypt => true) %>", Json::object(), context), (Json{{"decrypt", true}, {"args", 1}}));
    // StackStorm's filters are functions and methods too.
    EXPECT_EQ(eval("<% json_parse('{\"a\": [1]}') %>", Json::object(), context), (Json{{"a", {1}}}));
    EXPECT_EQ(eval("<% '1.2.3'.version_bump_minor() %>", Json::object(), context), Json("1.3.0"));
}

TEST(Yaql, LambdasSeeTheirOwnDollarAndTheOuterVariables) {
    Json data{{"groups", {{{"name", "a"}, {"members", {1, 2}}}, {{"name", "b"}, {"members", {3}}}}}, {"min", 2}};
    EXPECT_EQ(eval("<% $.groups.select($.members.where($ >= 2).len()) %>", data), Json({1, 1}));
    EXPECT_EQ(eval("<% let(limit => 2) -> $.groups.where($.members.len() >= $limit).select($.name) %>", data),
              Json({"a"}));
    EXPECT_EQ(eval("<% $.groups.toDict($.name, $.members.sum()) %>", data), (Json{{"a", 3}, {"b", 3}}));
}

TEST(Yaql, ErrorsNameTheExpressionAndWhere) {
    try {
        eval("text <% $.a + %> more");
        FAIL() << "no error";
    } catch (const TemplateError& e) {
        EXPECT_EQ(e.line(), 1u);
        EXPECT_EQ(e.column(), 15u) << e.what();  // the end of `$.a + `, in the whole text
        EXPECT_NE(e.message().find("<% $.a + %>"), std::string::npos) << e.what();
    }
    try {
        eval("<% $.nokey %>", Json{{"a", 1}});
        FAIL() << "no error";
    } catch (const yaql::KeyError& e) {
        EXPECT_STREQ(e.what(), "Unable to resolve key 'nokey' in expression '<% $.nokey %>' from context.");
    }
    try {
        eval("<% nosuch(1) %>");
        FAIL() << "no error";
    } catch (const TemplateError& e) {
        EXPECT_NE(e.message().find("Unknown function \"nosuch\""), std::string::npos) << e.what();
        EXPECT_EQ(e.source(), "<% nosuch(1) %>");
    }
    EXPECT_THROW(eval("<%  %>"), TemplateError);
}

TEST(Yaql, HostileExpressionsFailInsteadOfTakingTheHost) {
    // Nesting, huge ranges and repeats meet the render's limits.
    std::string deep = "<% " + std::string(5000, '(') + "1" + std::string(5000, ')') + " %>";
    EXPECT_THROW(eval(deep), TemplateError);
    EXPECT_THROW(eval("<% range(1000000000000) %>"), TemplateError);
    EXPECT_THROW(eval("<% 'x' * 1000000000000 %>"), TemplateError);
    EXPECT_THROW(eval("<% range(100000).select(range(100000).len()) %>"), TemplateError);
    EXPECT_THROW(eval("<% 9223372036854775807 + 1 %>"), TemplateError);
}

TEST(Yaql, ValuesWithoutAFixedAnswer) {
    Json r = eval("<% random() %>");
    EXPECT_TRUE(r.is_number_float() && r.get<double>() >= 0 && r.get<double>() < 1);
    Json n = eval("<% random(1, 6) %>");
    EXPECT_TRUE(n.is_number_integer() && n.get<int64_t>() >= 1 && n.get<int64_t>() <= 6);
    Json now = eval("<% now() %>");
    ASSERT_TRUE(now.is_string());
    EXPECT_EQ(now.get<std::string>().size(), std::string("2026-12-02 15:16:44.487265+00:00").size()) << now;
    EXPECT_EQ(eval("<% set(1, 2, 1) %>"), Json({1, 2}));
    EXPECT_EQ(eval("<% [1, 2, 3].union([3, 4]) %>"), Json({1, 2, 3, 4}));
    EXPECT_EQ(eval("<% [1, 2, 3].intersect([3, 2, 9]) %>"), Json({2, 3}));
    EXPECT_EQ(eval("<% [1, 2, 3].difference([2]) %>"), Json({1, 3}));
    EXPECT_EQ(eval("<% [1, 2].symmetricDifference([2, 3]) %>"), Json({1, 3}));
    EXPECT_EQ(eval("<% {a => 1}.items() %>"), Json::array({Json::array({"a", 1})}));
}

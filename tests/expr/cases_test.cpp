// Replays tests/expr/cases.json, whose expected results come from Python's
// jinja2 (tests/expr/generate_cases.py): every template must render to the
// same text, single expressions to the same typed value, and every error
// case must fail, at the same line when jinja2 reports one.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <vector>

#include "expr/template.hpp"
#include "support/python_values.hpp"

using packhost::Json;
using packhost::expr::Context;
using packhost::expr::Template;
using packhost::expr::TemplateError;

namespace {

const Json& table() {
    static const Json t = [] {
        std::ifstream in(EXPR_CASES_JSON);
        return Json::parse(in);
    }();
    return t;
}

std::vector<size_t> case_indices() {
    std::vector<size_t> out(table()["cases"].size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = i;
    return out;
}

// "n017_upper_name" for case 17 "{{ name | upper }}": its number, then what
// it is about, in the characters a test name may hold.
std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
    std::string tpl = table()["cases"][info.param]["template"];
    char number[16];
    std::snprintf(number, sizeof number, "n%03zu", info.param);
    std::string out = number;
    bool gap = true;
    for (char ch : tpl) {
        if (out.size() >= 48) break;
        if (std::isalnum(static_cast<unsigned char>(ch))) {
            if (gap) out += '_';
            out += ch;
            gap = false;
        } else {
            gap = true;
        }
    }
    return out;
}

class Jinja2 : public ::testing::TestWithParam<size_t> {};

}  // namespace

// Each case of the table is a test of its own: the template, its context,
// and what jinja2 made of it.
TEST_P(Jinja2, Case) {
    const Json& c = table()["cases"][GetParam()];
    const std::string tpl = c["template"];
    const Json& vars = c["context"].is_string() ? table()["contexts"][c["context"].get<std::string>()] : c["context"];
    SCOPED_TRACE("template " + Json(tpl).dump());
    Context ctx(vars);
    packhost::expr::add_global_functions(ctx);
    if (c.contains("error")) {
        try {
            auto t = Template::compile(tpl);
            std::string got = t->render(ctx);
            ADD_FAILURE() << "rendered " << Json(got).dump() << " but jinja2 fails: " << c["error"].get<std::string>();
        } catch (const TemplateError& e) {
            if (!c["line"].is_null()) {
                EXPECT_EQ(e.line(), c["line"].get<size_t>()) << "error at the wrong line (" << e.what() << ")";
            }
        }
        return;
    }
    try {
        auto t = Template::compile(tpl);
        std::string text = t->render(ctx);
        ASSERT_EQ(text, c["text"].get<std::string>()) << "the text differs from jinja2's";
        if (c.contains("value")) {
            Json v = t->render_value(ctx);
            EXPECT_TRUE(packhost::testing::same_python_value(v, c["value"]))
                << "typed value\n  jinja2: " << c["value"].dump() << "\n  packhost: " << v.dump();
        }
    } catch (const std::exception& e) {
        ADD_FAILURE() << "failed: " << e.what() << "\n  jinja2: " << c["text"].dump();
    }
}

INSTANTIATE_TEST_SUITE_P(TemplateCases, Jinja2, ::testing::ValuesIn(case_indices()), case_name);

TEST(TemplateCases, TheTableCoversEnough) {
    const auto& cases = table()["cases"];
    size_t errors = 0, values = 0;
    for (const auto& c : cases) {
        errors += c.contains("error") ? 1 : 0;
        values += c.contains("value") ? 1 : 0;
    }
    EXPECT_GE(cases.size(), 300u);
    EXPECT_GT(errors, 20u);
    EXPECT_GT(values, 200u);
}

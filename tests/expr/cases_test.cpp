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

using packhost::Json;
using packhost::expr::Context;
using packhost::expr::Template;
using packhost::expr::TemplateError;

namespace {

// Equal as Python values of the same type: 1 and 1.0 differ, as in jinja2.
bool same(const Json& a, const Json& b) {
    if (a.is_number_float() != b.is_number_float()) return false;
    if (a.is_number() && b.is_number()) return a.is_number_float() ? a.get<double>() == b.get<double>() : a == b;
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!same(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto o = b.find(it.key());
            if (o == b.end() || !same(it.value(), *o)) return false;
        }
        return true;
    }
    return a == b;
}

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
            EXPECT_TRUE(same(v, c["value"]))
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

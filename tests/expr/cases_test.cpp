// Replays tests/expr/cases.json, whose expected results come from Python's
// jinja2 (tests/expr/generate_cases.py): every template must render to the
// same text, single expressions to the same typed value, and every error
// case must fail, at the same line when jinja2 reports one.
#include <gtest/gtest.h>

#include <fstream>

#include "expr/template.hpp"

using packhost::expr::Context;
using packhost::Json;
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

Json load_table() {
    std::ifstream in(EXPR_CASES_JSON);
    return Json::parse(in);
}

}  // namespace

TEST(TemplateCases, MatchJinja2) {
    Json table = load_table();
    const auto& cases = table["cases"];
    ASSERT_GE(cases.size(), 300u);
    size_t failures = 0, errors_checked = 0, values_checked = 0;
    for (const auto& c : cases) {
        const std::string tpl = c["template"];
        const Json& vars = c["context"].is_string() ? table["contexts"][c["context"].get<std::string>()] : c["context"];
        Context ctx(vars);
        packhost::expr::add_global_functions(ctx);
        if (c.contains("error")) {
            ++errors_checked;
            try {
                auto t = Template::compile(tpl);
                std::string got = t->render(ctx);
                ADD_FAILURE() << "template " << Json(tpl).dump() << " rendered " << Json(got).dump()
                              << " but jinja2 fails: " << c["error"].get<std::string>();
                ++failures;
            } catch (const TemplateError& e) {
                if (!c["line"].is_null() && e.line() != c["line"].get<size_t>()) {
                    ADD_FAILURE() << "template " << Json(tpl).dump() << ": error at line " << e.line()
                                  << ", jinja2 says line " << c["line"] << " (" << e.what() << ")";
                    ++failures;
                }
            }
            continue;
        }
        try {
            auto t = Template::compile(tpl);
            std::string text = t->render(ctx);
            if (text != c["text"].get<std::string>()) {
                ADD_FAILURE() << "template " << Json(tpl).dump() << "\n  jinja2: " << c["text"].dump()
                              << "\n  packhost: " << Json(text).dump();
                ++failures;
                continue;
            }
            if (c.contains("value")) {
                ++values_checked;
                Json v = t->render_value(ctx);
                if (!same(v, c["value"])) {
                    ADD_FAILURE() << "template " << Json(tpl).dump() << " typed value\n  jinja2: " << c["value"].dump()
                                  << "\n  packhost: " << v.dump();
                    ++failures;
                }
            }
        } catch (const std::exception& e) {
            ADD_FAILURE() << "template " << Json(tpl).dump() << " failed: " << e.what() << "\n  jinja2: " << c["text"].dump();
            ++failures;
        }
    }
    EXPECT_GT(errors_checked, 20u);
    EXPECT_GT(values_checked, 200u);
    std::cout << cases.size() << " cases, " << values_checked << " typed values, " << errors_checked
              << " errors, " << failures << " failures\n";
}

// Replays tests/expr/yaql/cases.json, whose expected values come from YAQL
// itself (Debian's python3-yaql; tests/expr/yaql/generate_cases.py): each
// expression must give the same value, or fail where YAQL fails (a missing
// key as KeyError, as Orquesta reports it apart).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "expr/yaql/template.hpp"
#include "support/python_values.hpp"

using packhost::Json;
using packhost::expr::Context;
using packhost::expr::TemplateError;
using packhost::expr::Value;
namespace yaql = packhost::expr::yaql;

namespace {

// Where packhost gives a value on purpose where YAQL 2.0 fails.
const std::set<std::string> kExtensions = {
    "$.a.items()",  // YAQL 2.0 fails hashing the pairs it builds ("unhashable type: 'list'")
};

}  // namespace

TEST(YaqlCases, EveryExpressionEvaluatesAsYaqlDoes) {
    std::ifstream in(std::string(YAQL_CASES_FILE));
    ASSERT_TRUE(in) << YAQL_CASES_FILE;
    Json table = Json::parse(in);
    const Json data = table.at("data");
    Context context;
    size_t checked = 0;
    for (const auto& c : table.at("cases")) {
        std::string text = c.at("expr").get<std::string>();
        if (kExtensions.count(text)) continue;
        SCOPED_TRACE(text);
        Json got;
        std::string error;
        bool key_error = false;
        try {
            got = yaql::TemplateCache().get("<% " + text + " %>")->render_value(context, Value::borrow(data));
        } catch (const yaql::KeyError& e) {
            error = e.what();
            key_error = true;
        } catch (const TemplateError& e) {
            error = e.what();
        }
        ++checked;
        if (c.contains("error")) {
            std::string expected = c.at("error").get<std::string>();
            EXPECT_FALSE(error.empty()) << "YAQL fails (" << expected << ") but packhost gave " << got.dump();
            if (expected.rfind("KeyError", 0) == 0) {
                EXPECT_TRUE(key_error) << error;
            }
            continue;
        }
        EXPECT_TRUE(error.empty()) << error;
        EXPECT_TRUE(packhost::testing::same_python_value(got, c.at("value")))
            << "got " << got.dump() << ", YAQL gives " << c.at("value").dump();
    }
    EXPECT_GT(checked, 250u);
}

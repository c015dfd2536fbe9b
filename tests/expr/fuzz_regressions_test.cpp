// Every input the fuzzer ever found a problem with (tests/fuzz/regressions/)
// must now compile and render, or fail with a TemplateError.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "expr/template.hpp"

using namespace packhost::expr;

namespace {

void must_not_crash(const std::string& source) {
    Json vars = Json::parse(R"({"items": [3, 1, 2], "d": {"a": 1}, "s": "Hello"})");
    try {
        auto t = Template::compile(source);
        Context ctx(vars);
        add_global_functions(ctx);
        (void)t->render(ctx);
        (void)t->render_value(ctx);
    } catch (const TemplateError&) {
    }
}

}  // namespace

TEST(FuzzRegressions, ReplayEveryInput) {
    size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(FUZZ_REGRESSIONS_DIR)) {
        if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string source((std::istreambuf_iterator<char>(in)), {});
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(must_not_crash(source));
        ++n;
    }
    EXPECT_GT(n, 0u);
}

TEST(FuzzRegressions, HostileTemplatesFailCleanly) {
    auto fails = [](const std::string& src) {
        Json vars = Json::object();
        try {
            auto t = Template::compile(src);
            Context ctx(vars);
            add_global_functions(ctx);
            t->render(ctx);
        } catch (const TemplateError& e) {
            return std::string(e.message());
        }
        return std::string("rendered");
    };
    EXPECT_EQ(fails("{{ " + std::string(500, '(') + "1" + std::string(500, ')') + " }}"), "template nested too deeply");
    std::string deep_ifs;
    for (int i = 0; i < 300; ++i) deep_ifs += "{% if true %}";
    EXPECT_EQ(fails(deep_ifs), "template nested too deeply");
    EXPECT_EQ(fails("{{ 'x' * 100000000000 }}"), "repetition result too large");
    EXPECT_EQ(fails("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
              "more than 1000000 loop iterations");
    EXPECT_EQ(fails("{{ 2 ** 100 }}"), "rendered") << "overflow continues in floating point";
    EXPECT_EQ(fails("{{ 9223372036854775807 + 1 }}"), "rendered");
    EXPECT_EQ(fails("{{ -9223372036854775807 - 2 }}"), "rendered");
    EXPECT_EQ(fails("{{ x.99999999999999999999999 }}"), "index 99999999999999999999999 is too large");
}

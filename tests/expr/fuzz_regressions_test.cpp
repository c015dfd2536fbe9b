// Every input the fuzzer ever found a problem with (tests/fuzz/regressions/)
// must now compile and render, or fail with a TemplateError.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "expr/template.hpp"

using namespace packhost::expr;
using packhost::Json;

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

// What a template renders to, or "error: <message>".
std::string outcome(const std::string& src) {
    Json vars = Json::object();
    try {
        auto t = Template::compile(src);
        Context ctx(vars);
        add_global_functions(ctx);
        return t->render(ctx);
    } catch (const TemplateError& e) {
        return "error: " + e.message();
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
    EXPECT_EQ(fails("{{ 'x' * 100000000000 }}"), "the template would build more than 64 MiB");
    EXPECT_EQ(fails("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
              "more than 1000000 loop iterations");
    EXPECT_EQ(fails("{{ 2 ** 100 }}"), "rendered") << "overflow continues in floating point";
    EXPECT_EQ(fails("{{ 9223372036854775807 + 1 }}"), "rendered");
    EXPECT_EQ(fails("{{ -9223372036854775807 - 2 }}"), "rendered");
    EXPECT_EQ(fails("{{ x.99999999999999999999999 }}"), "index 99999999999999999999999 is too large");
    // A float where an integer is wanted, past what 64 bits hold (converting
    // it was undefined behaviour).
    EXPECT_EQ(fails("{{ [1] | to_json_string(7.7e91) }}"), "int too large to convert");
    EXPECT_EQ(fails("{{ [1] | to_json_string(2.0) }}"), "rendered");
}

// The work a render may do is bounded, not only what it prints: each of
// these once allocated gigabytes or spun for seconds.
TEST(FuzzRegressions, BuildingAndLoopingAreBudgeted) {
    // A value the result would multiply is paid for before it is built.
    EXPECT_EQ(outcome(R"({{ ("a"*10000) | replace("a", "a"*10000) | length }})"),
              "error: the template would build more than 64 MiB");
    EXPECT_EQ(outcome(R"({{ ("x"*1000000) | regex_replace("", "y"*100) | length }})"),
              "error: regular expression replacement result too large");
    EXPECT_EQ(outcome(R"({{ ("x" * 40000000) ~ ("y" * 40000000) }})"),
              "error: the template would build more than 64 MiB");
    EXPECT_EQ(outcome(R"({{ [1, 2] * 9999999999 }})"), "error: the template would build more than 64 MiB");
    // Nothing to repeat costs nothing, however often (it used to loop).
    EXPECT_EQ(outcome("{{ [] * 9999999999 }}"), "[]");
    EXPECT_EQ(outcome(R"({{ "" * 9999999999 }}|)"), "|");
    // A width is refused before printing it (7 s to print 512 bytes once).
    EXPECT_EQ(outcome("{{ '%01917200185r' % 25 }}"), "error: format width too large");
    EXPECT_EQ(outcome("{{ '%05d|%-4s|%.2f' % (42, 'ab', 3.14159) }}"), "00042|ab  |3.14");
    EXPECT_EQ(outcome("{{ '%0900s' % 'x' }}").size(), 900u) << "a wide field is printed whole";
    // Work without building: steps are counted too.
    EXPECT_EQ(outcome("{{ range(100000) | list | unique | length }}"),
              "error: the template does too much work (more than 50000000 steps)");
    EXPECT_EQ(outcome("{{ ([1] * 1500000) | batch(1) | list | length }}"),
              "error: the template would build more than 64 MiB");
}

// One depth limit (128, as for every JSON the host takes in) for values a
// template parses or builds: deeper values used to crash the process when
// copied or printed.
TEST(FuzzRegressions, NestingIsLimited) {
    EXPECT_EQ(outcome(R"({{ ("[" * 100000 ~ "]" * 100000) | from_json_string }})").substr(0, 73),
              "error: from_json_string: nested deeper than 128 levels (at byte 128): [[[");
    EXPECT_EQ(outcome(R"({{ ("[" * 128 ~ "]" * 128) | from_json_string | length }})"), "1");
    EXPECT_EQ(outcome("{% set x = [] %}{% for i in range(200) %}{% set x = [x] %}{% endfor %}{{ x | length }}"),
              "error: value nested deeper than 128 levels");
    EXPECT_EQ(outcome("{% set x = {} %}{% for i in range(200) %}{% set x = {'k': x} %}{% endfor %}{{ x | length }}"),
              "error: value nested deeper than 128 levels");
    EXPECT_EQ(outcome("{% set x = [1] %}{% for i in range(200) %}{% set x = x | batch(1) | list %}{% endfor %}"),
              "error: value nested deeper than 128 levels");
    std::string yaml;
    for (int i = 0; i < 200; ++i) yaml += "- ";
    yaml += "1";
    EXPECT_EQ(outcome("{{ '" + yaml + "' | from_yaml_string }}").substr(0, 57),
              "error: from_yaml_string: line 1: nested deeper than 128 l");
}

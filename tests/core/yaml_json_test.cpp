// Plain YAML scalars read as PyYAML's safe_load reads them (YAML 1.1). The
// expected values were printed by PyYAML 6 (yaml.safe_load("k: " + text)).
#include <cmath>

#include <gtest/gtest.h>

#include "core/yaml_json.hpp"

namespace packhost::core {
namespace {

struct Case {
    const char* text;
    Json expected;
};

TEST(YamlScalars, ReadAsPyYamlReadsThem) {
    const Case cases[] = {
        {"", nullptr},
        {"~", nullptr},
        {"null", nullptr},
        {"Null", nullptr},
        {"NULL", nullptr},
        {"nULL", "nULL"},
        {"yes", true},
        {"Yes", true},
        {"YES", true},
        {"yEs", "yEs"},
        {"on", true},
        {"ON", true},
        {"off", false},
        {"n", "n"},
        {"y", "y"},
        {"true", true},
        {"False", false},
        {"0", 0},
        {"-0", 0},
        {"+7", 7},
        {"12", 12},
        {"1_000", 1000},
        {"012", 10},
        {"0_7", 7},
        {"09", "09"},
        {"00", 0},
        {"0b101", 5},
        {"-0b11", -3},
        {"0b2", "0b2"},
        {"0x1F", 31},
        {"0x_a", 10},
        {"-0xff", -255},
        {"0xg", "0xg"},
        {"1:30", 90},
        {"-1:30:05", -5405},
        {"1:60", "1:60"},
        {"1:5", 65},
        {"0:30", "0:30"},
        {"1.5", 1.5},
        {"-1.5", -1.5},
        {"+.5", "+.5"},
        {".5", 0.5},
        {"-.5", "-.5"},
        {"1.", 1.0},
        {"0.", 0.0},
        {"1.e+5", 100000.0},
        {"1.0e5", "1.0e5"},
        {"1.0e+5", 100000.0},
        {"6.02e+23", 6.02e+23},
        {"._", "._"},
        {".", "."},
        {"1_0.2_5", 10.25},
        {"190:20:30.15", 685230.15},
        {"1:30.", 90.0},
        {"inf", "inf"},
        {"nan", "nan"},
        {"-.nan", "-.nan"},
        {"abc", "abc"},
        {"1e5", "1e5"},
        {"1.5e", "1.5e"},
        {"9223372036854775807", int64_t{9223372036854775807}},
    };
    for (const auto& c : cases) {
        Json got = resolve_plain_scalar(c.text);
        EXPECT_EQ(got, c.expected) << "'" << c.text << "' read as " << got.dump();
        EXPECT_EQ(got.type(), c.expected.type()) << "'" << c.text << "' read as " << got.dump();
    }
}

TEST(YamlScalars, InfinityAndNan) {
    EXPECT_EQ(resolve_plain_scalar(".inf").get<double>(), INFINITY);
    EXPECT_EQ(resolve_plain_scalar("-.Inf").get<double>(), -INFINITY);
    EXPECT_EQ(resolve_plain_scalar("+.INF").get<double>(), INFINITY);
    EXPECT_TRUE(std::isnan(resolve_plain_scalar(".nan").get<double>()));
    EXPECT_TRUE(std::isnan(resolve_plain_scalar(".NaN").get<double>()));
}

TEST(YamlScalars, AnIntegerPastInt64IsTheNearestFloat) {
    Json v = resolve_plain_scalar("9223372036854775808");
    EXPECT_TRUE(v.is_number_float());
    EXPECT_EQ(v.get<double>(), 9223372036854775808.0);
}

}  // namespace
}  // namespace packhost::core

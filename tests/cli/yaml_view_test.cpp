// The YAML the CLI prints reads back, with PyYAML (what st2 users reach
// for; Debian's python3-yaml), as the JSON it was made from: every scalar that a reader would take
// for a number, a boolean, a date or syntax is quoted.
#include "cli/yaml_view.hpp"

#include <gtest/gtest.h>

#include "support/process.hpp"

namespace packhost::testing {
namespace {

const char* kPyYamlToJson =
    "import json, sys, yaml\n"
    "json.dump(yaml.safe_load(sys.stdin), sys.stdout, ensure_ascii=False)\n";

// As the CLI prints it: with a newline after.
Json read_back(const std::string& yaml) {
    auto r = run_process({"/usr/bin/python3", "-c", kPyYamlToJson}, {}, yaml + "\n");
    EXPECT_EQ(r.exit_code, 0) << r.err << "\n--- the YAML:\n" << yaml;
    return r.exit_code == 0 ? Json::parse(r.out) : Json();
}

std::vector<std::string> awkward_strings() {
    return {"",
            " ",
            "123",
            "1.5",
            "0x1F",
            "0o17",
            "017",
            "1_000",
            "1:20",
            ".inf",
            "-.inf",
            ".nan",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "~",
            "true",
            "2026-12-02T11:11:40.441758Z",
            "2001-12-14",
            "- x",
            "-x",
            "--- doc",
            "...",
            "? q",
            ": c",
            "a: b",
            "a #b",
            "a#b",
            "#c",
            "&anchor",
            "*alias",
            "!tag",
            "|pipe",
            ">fold",
            "'sq'",
            "\"dq\"",
            "%pct",
            "@at",
            "`bt",
            "trail ",
            " lead",
            "tab\there",
            "line\nbreak",
            "two\nlines\n",
            "keep\n\n\n",
            "  indented\nfirst",
            "\nleading newline",
            "ends with a blank line\n  ",
            "\n\n",
            "a\r\nb",
            std::string("nul\0byte", 8),
            "bell\x07",
            "del\x7f",
            "nel \xc2\x85",
            "ls \xe2\x80\xa8",
            "bom \xef\xbb\xbf",
            "é ü 日本 😀",
            "=",
            "<<",
            "a,b",
            "[x]",
            "{y}",
            "C:\\path",
            "url http://x:80/a?b=c#d",
            std::string(2000, 'x'),
            "multi\n  indented\n\tand a tab\nlines\n"};
}

}  // namespace

TEST(YamlView, AwkwardStringsReadBackAsThemselves) {
    Json values = Json::array(), keys = Json::object();
    for (const auto& s : awkward_strings()) {
        values.push_back(s);
        keys[s] = s;
    }
    Json doc{{"values", values}, {"keys", keys}};
    EXPECT_EQ(read_back(cli::to_yaml(doc)), doc);
}

TEST(YamlView, NumbersBooleansNullsAndNesting) {
    Json doc{{"int", -5},
             {"zero", 0},
             {"big", 123456789012345678},
             {"unsigned", 18446744073709551615ull},
             {"float", 1.5},
             {"exponent", 1e20},
             {"tiny", -2.5e-300},
             {"true", true},
             {"null", nullptr},
             {"empty map", Json::object()},
             {"empty list", Json::array()},
             {"lists", Json::parse(R"([[1, 2], [3, [4, []]], [], {}])")},
             {"maps in a list", Json::parse(R"([{"x": 1, "y": [1, {"z": "a\nb"}]}, {}, {"only": {"deep": null}}])")},
             {"map", Json::parse(R"({"a": {"b": {"c": "multi\nline\n"}}, "d": [true]})")}};
    EXPECT_EQ(read_back(cli::to_yaml(doc)), doc);
    for (const Json& top : {Json("a\nb"), Json("yes"), Json(3), Json(nullptr), Json::array(), Json::object()}) {
        EXPECT_EQ(read_back(cli::to_yaml(top)), top) << cli::to_yaml(top);
    }
}

TEST(YamlView, ReadsAsPeopleExpect) {
    Json record{{"id", "6b0ffcec"},
                {"status", "succeeded"},
                {"parameters", Json::object()},
                {"result", {{"stdout", "line one\nline two"}, {"count", "3"}}}};
    EXPECT_EQ(cli::to_yaml(record),
              "id: 6b0ffcec\n"
              "status: succeeded\n"
              "parameters: {}\n"
              "result:\n"
              "  stdout: |-\n"
              "    line one\n"
              "    line two\n"
              "  count: \"3\"");
    EXPECT_EQ(cli::to_yaml(Json{{"bytes", "\xff ok \x1b[31m"}}), "bytes: \"\\xFF ok \\x1B[31m\"")
        << "not UTF-8 and escape sequences never reach the terminal raw";
    // Lead bytes no UTF-8 sequence starts with, an overlong form, a surrogate.
    EXPECT_EQ(cli::to_yaml(Json("\xf8\x80\x80 \xc0\xaf \xed\xa0\x80")),
              "\"\\xF8\\x80\\x80 \\xC0\\xAF \\xED\\xA0\\x80\"");
}

}  // namespace packhost::testing

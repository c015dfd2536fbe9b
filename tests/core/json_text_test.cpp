// The host's JSON printer writes records, contexts and parameters on every
// execution. Apart from numbers (shortest text that reads back), its text
// must be exactly nlohmann's, whatever the strings hold and wherever in a
// string an escape falls.
#include <gtest/gtest.h>

#include <string>

#include "core/json_text.hpp"

namespace packhost::core {
namespace {

std::string nlohmann_text(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

TEST(JsonText, PrintsWhatNlohmannPrintsForEveryKindButFloats) {
    Json v = parse_json(R"({"user": "packhost", "parent": {"execution_id": "6b10a81a", "user": "u"},
        "n": -42, "big": 18446744073709551615, "t": true, "f": false, "none": null, "empty": {}, "list": [],
        "nested": [[1, [2, {"k": "v"}]], {"a": [null]}], "": ""})",
                        "test");
    EXPECT_EQ(to_json_text(v), nlohmann_text(v));
    std::string appended = "prefix:";
    append_json_text(appended, v);
    EXPECT_EQ(appended, "prefix:" + nlohmann_text(v));
}

TEST(JsonText, EscapesEverySpecialByteAtEveryOffsetOfAString) {
    // The fast path reads eight bytes at a time: each special byte is put at
    // every position of a 20-byte string so that it falls in a word and in
    // the tail.
    const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x1f", "\x7f", "é", "\xff", "\xe2\x82"};
    for (const auto& special : specials) {
        for (size_t at = 0; at <= 20; ++at) {
            std::string s(20, 'a');
            s.insert(at, special);
            Json v = s;
            EXPECT_EQ(to_json_text(v), nlohmann_text(v))
                << "special " << Json(special).dump(-1, ' ', true, Json::error_handler_t::replace) << " at " << at;
            Json keyed = Json::object();
            keyed[s] = 1;
            EXPECT_EQ(to_json_text(keyed), nlohmann_text(keyed)) << "as a key, at " << at;
        }
    }
}

TEST(JsonText, PrintsPlainAsciiOfEveryLengthUnchanged) {
    for (size_t n = 0; n <= 40; ++n) {
        std::string s;
        for (size_t i = 0; i < n; ++i) s += static_cast<char>(' ' + (i * 7) % 94);
        if (s.find_first_of("\"\\") != std::string::npos) continue;
        EXPECT_EQ(to_json_text(Json(s)), "\"" + s + "\"");
    }
}

TEST(JsonText, PrintsNumbersTheShortestWayThatReadsBack) {
    EXPECT_EQ(to_json_text(Json(4.010907)), "4.010907");
    EXPECT_EQ(to_json_text(Json(2.0)), "2.0");
    EXPECT_EQ(to_json_text(Json(1e20)), "1e+20");
    EXPECT_EQ(to_json_text(Json(-0.5)), "-0.5");
    EXPECT_EQ(to_json_text(Json(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(to_json_text(Json(0)), "0");
}

TEST(JsonText, IndentsAsNlohmannDoes) {
    Json v = parse_json(R"({"a": [1, {"b": "c"}], "d": {}})", "test");
    EXPECT_EQ(to_json_text(v, 2), v.dump(2));
}

TEST(JsonText, RefusesToPrintPastThePrintDepth) {
    Json deep = nullptr;
    for (size_t i = 0; i < kMaxPrintDepth + 1; ++i) deep = Json::array({std::move(deep)});
    EXPECT_THROW(to_json_text(deep), JsonTextError);
}

TEST(JsonText, MemoryBytesGrowWithStringsKeysAndNodesAndNeedNoRecursion) {
    size_t scalar = json_memory_bytes(Json(1));
    EXPECT_GT(scalar, 0u);
    EXPECT_EQ(json_memory_bytes(Json(std::string(1000, 'a'))), scalar + 1000);
    Json object = {{"key", std::string(500, 'b')}};
    EXPECT_GE(json_memory_bytes(object), 2 * scalar + 500 + 3);
    Json array = Json::array();
    for (int i = 0; i < 100; ++i) array.push_back(object);
    EXPECT_GT(json_memory_bytes(array), 100 * json_memory_bytes(object));
    // A value nested far past any printer's limit is weighed all the same.
    Json deep = Json::array();
    for (int i = 0; i < 100000; ++i) {
        Json outer = Json::array();
        outer.push_back(std::move(deep));
        deep = std::move(outer);
    }
    EXPECT_EQ(json_memory_bytes(deep), 100001 * scalar);
}

}  // namespace
}  // namespace packhost::core

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"

using namespace packhost::core;

TEST(Ids, AreStackStormShapedAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        std::string id = new_id();
        ASSERT_TRUE(is_id(id)) << id;
        ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
    }
    EXPECT_FALSE(is_id("6b072c8fb1b16e50fe70ccd"));
    EXPECT_FALSE(is_id("6B072C8FB1B16E50FE70CCD3"));
}

TEST(Ids, AreUniqueAcrossThreads) {
    std::vector<std::vector<std::string>> per(4);
    std::vector<std::thread> threads;
    for (auto& v : per) {
        threads.emplace_back([&v] {
            for (int i = 0; i < 5000; ++i) v.push_back(new_id());
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (auto& v : per) all.insert(v.begin(), v.end());
    EXPECT_EQ(all.size(), 20000u);
}

TEST(Ids, StartWithTheCreationSecond) {
    std::string id = new_id();
    long secs = std::stol(id.substr(0, 8), nullptr, 16);
    EXPECT_NEAR(double(secs), double(now_us() / 1000000), 2.0);
}

TEST(Clock, FormatsIso8601WithMicroseconds) {
    EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(iso8601(1795628905123456), "2026-11-25T17:48:25.123456Z");
    EXPECT_EQ(iso8601(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(iso8601(951782400000000 + 86399999999), "2000-02-29T23:59:59.999999Z");
    EXPECT_EQ(iso8601(253402300800000000), "10000-01-01T00:00:00.000000Z");  // past four digits
}

TEST(Clock, MonotonicMoves) {
    int64_t a = monotonic_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_GE(monotonic_ns() - a, 2000000);
}

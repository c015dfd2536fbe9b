#include "core/semver.hpp"

#include <gtest/gtest.h>

using packhost::core::Semver;

TEST(Semver, AcceptsStrictVersions) {
    for (const char* ok : {"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
                           "1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85"}) {
        EXPECT_TRUE(Semver::parse(ok).has_value()) << ok;
    }
}

TEST(Semver, RefusesLooseVersions) {
    for (const char* bad : {"1.0", "1", "1.0.0.0", "01.0.0", "1.02.0", "v1.0.0", "1.0.0-", "1.0.0+", "1.0.0-01",
                            "1.0.0-a..b", "", "a.b.c", "1.0.0 "}) {
        EXPECT_FALSE(Semver::parse(bad).has_value()) << bad;
    }
}

TEST(Semver, OrdersByPrecedence) {
    // The chain from semver.org section 11.
    const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                           "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                           "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                           "1.1.0",       "2.0.0"};
    for (size_t i = 0; i + 1 < std::size(chain); ++i) {
        auto a = *Semver::parse(chain[i]), b = *Semver::parse(chain[i + 1]);
        EXPECT_LT(a.compare(b), 0) << chain[i] << " < " << chain[i + 1];
        EXPECT_GT(b.compare(a), 0) << chain[i + 1] << " > " << chain[i];
    }
    EXPECT_EQ(Semver::parse("1.0.0+a")->compare(*Semver::parse("1.0.0+b")), 0);
    EXPECT_EQ(Semver::parse("1.2.3-rc.1+b7")->str(), "1.2.3-rc.1+b7");
}

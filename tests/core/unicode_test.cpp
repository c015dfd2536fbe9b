// What counts as UTF-8: what Python's bytes.decode("utf-8") accepts.
#include "core/unicode.hpp"

#include <gtest/gtest.h>

namespace packhost::core::unicode {
namespace {

TEST(Unicode, WellFormedUtf8IsTold) {
    EXPECT_TRUE(is_utf8(""));
    EXPECT_TRUE(is_utf8("plain ascii"));
    EXPECT_TRUE(is_utf8("été, ß, 日本, 🙂"));
    EXPECT_TRUE(is_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF, the last code point
    EXPECT_FALSE(is_utf8("\xff\xfe"));          // never in UTF-8
    EXPECT_FALSE(is_utf8("caf\xc3"));           // cut inside a character
    EXPECT_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_utf8("\xed\xa0\x80"));      // a surrogate (U+D800)
    EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(is_utf8("ok \x80 then"));      // a lone continuation byte
}

}  // namespace
}  // namespace packhost::core::unicode

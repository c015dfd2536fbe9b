// IRC lines as RFC 2812 writes them, and replies cut to fit its 512 bytes.
#include "chatops/adapters/irc.hpp"

#include <gtest/gtest.h>

namespace packhost::chatops::adapters {
namespace {

TEST(IrcLines, ParsedAsRfc2812Says) {
    auto l = parse_irc_line(":alice!~alice@127.0.0.1 PRIVMSG #ops :!echo hello there\r\n");
    EXPECT_EQ(l.prefix, "alice!~alice@127.0.0.1");
    EXPECT_EQ(l.nick(), "alice");
    EXPECT_EQ(l.command, "PRIVMSG");
    ASSERT_EQ(l.params.size(), 2u);
    EXPECT_EQ(l.params[0], "#ops");
    EXPECT_EQ(l.params[1], "!echo hello there");
    l = parse_irc_line("PING :irc.test.local");
    EXPECT_EQ(l.prefix, "");
    EXPECT_EQ(l.command, "PING");
    EXPECT_EQ(l.params, std::vector<std::string>{"irc.test.local"});
    l = parse_irc_line(":irc.test.local 433 * packhost :Nickname already in use");
    EXPECT_EQ(l.command, "433");
    EXPECT_EQ(l.params, (std::vector<std::string>{"*", "packhost", "Nickname already in use"}));
    l = parse_irc_line(":srv 001 packhost_ :Welcome");
    EXPECT_EQ(l.params[0], "packhost_");
}

TEST(IrcLines, RepliesAreCutToFitAndNeverInsideACharacter) {
    EXPECT_EQ(irc_lines("one\ntwo\r\n\nthree", 100), (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(irc_lines("a\rb\0c", 100).size(), 1u);
    std::string words;
    for (int i = 0; i < 50; ++i) words += "word ";
    for (const auto& l : irc_lines(words, 64)) {
        EXPECT_LE(l.size(), 64u);
        EXPECT_NE(l.front(), ' ');
    }
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "é";  // two bytes each, no spaces
    auto cut = irc_lines(accents, 31);
    std::string joined;
    for (const auto& l : cut) {
        EXPECT_LE(l.size(), 31u);
        EXPECT_EQ(l.size() % 2, 0u) << "cut inside a character";
        joined += l;
    }
    EXPECT_EQ(joined, accents);
}

}  // namespace
}  // namespace packhost::chatops::adapters

// Chat on `packhost serve` with the IRC adapter against a real IRC server
// (Debian's ngircd on 127.0.0.1) and a second client in the channel: the bot
// takes another nick when its own is taken, joins, answers in the channel,
// to its name and in private, splits long output into lines the protocol
// allows, and posts a result that finished while the server was gone once
// it is back.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "cli/cli_support.hpp"
#include "support/free_port.hpp"
#include "support/irc_client.hpp"
#include "support/ngircd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace packhost::testing;
using namespace std::chrono_literals;

namespace {

bool from(const std::string& line, const std::string& nick) { return line.rfind(":" + nick + "!", 0) == 0; }

}  // namespace

TEST(ServeIrc, TheBotAnswersInTheChannelByNameAndInPrivate) {
    TempDir home("packhost-irc");
    Ngircd ircd(home / "ircd");
    IrcClient squatter(ircd.port(), "packhost");  // the bot's nick is taken
    IrcClient alice(ircd.port(), "alice");
    alice.join("#ops");
    std::map<std::string, std::string> env{{"PACKHOST_PACKS_PATH", ""},
                                           {"USER", "tester"},
                                           {"PACKHOST_HOME", home.path().string()},
                                           {"PACKHOST_IRC_SERVER", "127.0.0.1:" + std::to_string(ircd.port())},
                                           {"PACKHOST_IRC_NICK", "packhost"},
                                           {"PACKHOST_IRC_CHANNELS", "ops"}};
    std::atomic<bool> done{false};
    bool joined = false, echoed = false, named = false, direct = false, long_split = false, many = false;
    size_t longest = 0;
    std::vector<std::string> numbers, said;
    std::thread client([&] {
        joined = alice.wait_for(
            [](const std::string& l) { return from(l, "packhost_") && l.find(" JOIN ") != std::string::npos; }, 20s);
        // CTCP is not chat: neither is answered (the bot answers in order,
        // so anything said to them would come before the echo).
        alice.send("PRIVMSG packhost_ :\x01VERSION\x01");
        alice.send(
            "PRIVMSG #ops :\x01"
            "ACTION !echo acted\x01");
        alice.send("PRIVMSG #ops :!echo hello irc");
        echoed = alice.wait_for([&](const std::string& l) {
            if (from(l, "packhost_") && l.find(" JOIN ") == std::string::npos) said.push_back(l);
            return from(l, "packhost_") && l.find(" PRIVMSG #ops :hello irc") != std::string::npos;
        });
        alice.send("PRIVMSG #ops :packhost_: echo named");
        named = alice.wait_for_message("#ops", "named");
        alice.send("PRIVMSG packhost_ :echo direct");
        direct = alice.wait_for_message("alice", "direct");
        // "1 2 ... 300" is one line of 1,092 characters: it comes in pieces.
        alice.send("PRIVMSG #ops :!row 300");
        std::string row;
        long_split = alice.wait_for([&](const std::string& l) {
            auto at = l.find(" PRIVMSG #ops :");
            if (!from(l, "packhost_") || at == std::string::npos) return false;
            longest = std::max(longest, l.size() + 2);
            if (!row.empty()) row += ' ';
            row.append(l, at + 15);
            return l.size() >= 4 && l.compare(l.size() - 4, 4, " 300") == 0;
        });
        std::string expected;
        for (int i = 1; i <= 300; ++i) {
            if (i > 1) expected += ' ';
            expected += std::to_string(i);
        }
        long_split = long_split && row == expected;
        // 12 lines: a burst of 5, then paced (one each 0.5 s).
        alice.send("PRIVMSG #ops :!lines 12");
        many = alice.wait_for(
            [&](const std::string& l) {
                auto at = l.find(" PRIVMSG #ops :");
                if (!from(l, "packhost_") || at == std::string::npos) return false;
                numbers.push_back(l.substr(at + 15));
                return numbers.back() == "12";
            },
            30s);
        done = true;
    });
    auto serve = run_process_signal_when(packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(free_port())}),
                                         env, SIGTERM, [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_TRUE(joined) << "the bot did not join #ops as packhost_";
    EXPECT_TRUE(echoed);
    ASSERT_EQ(said.size(), 1u) << "the bot answered CTCP: " << ::testing::PrintToString(said);
    EXPECT_NE(said[0].find(" PRIVMSG #ops :hello irc"), std::string::npos) << said[0];
    EXPECT_TRUE(named);
    EXPECT_TRUE(direct);
    EXPECT_TRUE(long_split) << "the long echo did not arrive whole";
    EXPECT_LE(longest, 512u) << "a line longer than IRC allows";
    EXPECT_TRUE(many);
    ASSERT_EQ(numbers.size(), 12u);
    for (size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], std::to_string(i + 1));
}

TEST(ServeIrc, AResultThatEndsWhileTheServerIsGoneIsPostedWhenItIsBack) {
    TempDir home("packhost-irc");
    Ngircd ircd(home / "ircd");
    auto alice = std::make_unique<IrcClient>(ircd.port(), "alice");
    alice->join("#ops");
    std::map<std::string, std::string> env{{"PACKHOST_PACKS_PATH", ""},
                                           {"USER", "tester"},
                                           {"PACKHOST_HOME", home.path().string()},
                                           {"PACKHOST_IRC_SERVER", "127.0.0.1:" + std::to_string(ircd.port())},
                                           {"PACKHOST_IRC_CHANNELS", "#ops"},
                                           {"PACKHOST_LOG_LEVEL", "debug"}};
    std::atomic<bool> done{false};
    bool joined = false, rejoined = false, woke = false;
    std::thread client([&] {
        joined = alice->wait_for(
            [](const std::string& l) { return from(l, "packhost") && l.find(" JOIN ") != std::string::npos; }, 20s);
        alice->send("PRIVMSG #ops :!nap 1");
        std::this_thread::sleep_for(200ms);  // the nap has started
        alice.reset();
        ircd.stop();  // the server goes away mid-run...
        // ...the nap ends meanwhile; the bot tries again 1 s and 3 s after
        // the loss and waits 4 s more: back at 3.5 s, alice is in the
        // channel well before the bot's next try at 7 s...
        std::this_thread::sleep_for(3500ms);
        ircd.start();  // ...and it comes back
        alice = std::make_unique<IrcClient>(ircd.port(), "alice");
        alice->join("#ops");
        rejoined = alice->wait_for(
            [](const std::string& l) { return from(l, "packhost") && l.find(" JOIN ") != std::string::npos; }, 30s);
        woke = alice->wait_for_message("#ops", "woke after 1 s", 10s);
        done = true;
    });
    auto serve = run_process_signal_when(packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(free_port())}),
                                         env, SIGTERM, [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_TRUE(joined);
    EXPECT_TRUE(rejoined) << serve.err;
    EXPECT_TRUE(woke) << serve.err;
    EXPECT_NE(serve.err.find("connecting again in"), std::string::npos) << serve.err;
}

TEST(ServeIrc, OverTlsTheServersCertificateIsChecked) {
    // ngircd's TLS port presents a certificate made for this test: with its
    // CA in chatops.irc.ca_file the bot connects and answers; against the
    // system's CAs the handshake fails, and the bot says why and tries again.
    TempDir home("packhost-irc-tls");
    Ngircd ircd(home / "ircd", /*tls=*/true);
    IrcClient alice(ircd.port(), "alice");  // plain text, same server and channel
    alice.join("#ops");
    auto configure = [&](bool with_ca) {
        std::ofstream(home / "config.yaml")
            << "chatops:\n  irc:\n    server: \"127.0.0.1:" << ircd.tls_port() << "\"\n    tls: true\n"
            << "    channels: ops\n"
            << (with_ca ? "    ca_file: \"" + ircd.ca_file().string() + "\"\n" : std::string());
    };
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    auto serve_argv = [] { return packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(free_port())}); };

    configure(true);
    std::atomic<bool> done{false};
    bool joined = false, echoed = false;
    std::thread client([&] {
        joined = alice.wait_for(
            [](const std::string& l) { return from(l, "packhost") && l.find(" JOIN ") != std::string::npos; }, 20s);
        alice.send("PRIVMSG #ops :!echo over tls");
        echoed = alice.wait_for_message("#ops", "over tls");
        done = true;
    });
    auto serve = run_process_signal_when(serve_argv(), env, SIGTERM, [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_TRUE(joined) << serve.err;
    EXPECT_TRUE(echoed) << serve.err;

    configure(false);
    auto refused = run_process_signal_when(serve_argv(), env, SIGTERM, [](const ProcessResult& r) {
        return r.err.find("TLS handshake") != std::string::npos;
    });
    EXPECT_EQ(refused.exit_code, 0) << refused.err;
    EXPECT_NE(refused.err.find("TLS handshake: certificate verify failed"), std::string::npos) << refused.err;
}

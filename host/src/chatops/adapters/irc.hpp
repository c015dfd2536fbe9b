#pragma once
// The IRC adapter: an RFC 1459/2812 client on an Asio thread of its own
// (io_thread.hpp says why not the HTTP server's). It registers
// (PASS, NICK, USER; another nick when the one asked for is taken), joins
// its channels, answers PING, reads PRIVMSG as chat messages (a direct
// message, or one starting with its nick, is addressed to it), and posts
// replies one line per PRIVMSG, each cut to fit the protocol's 512-byte
// line, paced by a token bucket so the server's flood control never kicks
// it. When the connection drops it connects again after 1 s, doubling to
// 60 s; replies written meanwhile wait and are posted once it is back.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chatops/chat_core.hpp"
#include "chatops/adapters/io_thread.hpp"
#include "chatops/chat_message.hpp"

namespace packhost::chatops::adapters {

struct IrcOptions {
    std::string server;  // host name or address
    uint16_t port = 6667;
    bool tls = false;
    bool verify_tls = true;
    std::string ca_file;  // PEM CAs to check the server against; "": the system's
    std::string nick = "packhost";
    std::vector<std::string> channels;  // "#ops"
    std::string password;               // PASS, when the server wants one
    // Flood control: a burst of this many lines, then one per interval.
    size_t burst = 5;
    std::chrono::milliseconds line_interval{500};
};

// One IRC protocol line, parsed (RFC 2812 section 2.3.1).
struct IrcLine {
    std::string prefix;               // "nick!user@host" or a server name; "" when none
    std::string command;              // "PRIVMSG", "001", ...
    std::vector<std::string> params;  // the trailing one included, without its ':'
    std::string nick() const { return prefix.substr(0, prefix.find('!')); }
};
IrcLine parse_irc_line(std::string_view line);

// `text` as PRIVMSG payloads: one per line of the text, each at most
// `max_bytes` (cut at a space when there is one, never inside a UTF-8
// character); empty lines are left out.
std::vector<std::string> irc_lines(const std::string& text, size_t max_bytes);

class IrcAdapter final : public Adapter {
public:
    IrcAdapter(ChatCore& core, IrcOptions options);
    ~IrcAdapter() override;
    IrcAdapter(const IrcAdapter&) = delete;
    IrcAdapter& operator=(const IrcAdapter&) = delete;

    // Connects (and keeps connecting) on the adapter's thread.
    void start();
    // Sends QUIT, closes the connection and stops reconnecting; returns once
    // the adapter's thread has ended.
    void stop();

    const std::string& name() const override { return name_; }
    void post(const Reply& reply) override;

    // The nick the server accepted (empty until registered).
    std::string current_nick() const;

    struct Impl;

private:
    const std::string name_ = "irc";
    IoThread io_;  // before impl_, which lives on it
    std::shared_ptr<Impl> impl_;
    bool stopped_ = false;
};

}  // namespace packhost::chatops::adapters

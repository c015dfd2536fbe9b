#pragma once
// What every chat adapter hands the chat core, and what it is handed back.
#include <string>

#include "core/json_value.hpp"

namespace packhost::chatops {

// A message as an adapter received it.
struct Message {
    std::string adapter;  // "console", "irc", "slack"
    std::string user;
    std::string channel;  // "#ops", a Slack channel id; the user for a direct message
    std::string thread;   // where replies go on adapters with threads (Slack's thread_ts); "" when none
    std::string text;
    // Spoken to the bot directly (a mention, a direct message): a command
    // without the prefix.
    bool addressed = false;
};

// A reply to post where the message came from.
struct Reply {
    std::string channel;
    std::string thread;
    std::string text;
    // StackStorm's `extra` for the chat side: the alias's result.extra
    // (rendered) or chatops.post_message's; keyed by adapter (`slack`), each
    // adapter reads its own and ignores the rest. Null when none.
    Json extra;
};

// An adapter: posts replies (on its own thread if posting may block: post()
// is called from the chat core's thread and must not wait long).
class Adapter {
public:
    virtual ~Adapter() = default;
    virtual const std::string& name() const = 0;
    virtual void post(const Reply& reply) = 0;
};

}  // namespace packhost::chatops

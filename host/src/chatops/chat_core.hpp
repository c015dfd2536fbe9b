#pragma once
// The chat side of the host, shared by every adapter: a message addressed to
// the bot (the prefix, "!" by default, or its name) is matched against the
// aliases, checked against who may run what, and run; the bot acks when the
// execution starts and posts the result when it ends (the alias's
// result.format, Jinja over `execution`), cut to a size with `packhost
// execution get ID` as the pointer, in the message's thread. `!help
// [filter]` lists the aliases; an unknown command gets the closest one.
// Messages and finished executions are handled one at a time and in order
// (on the caller's thread when the core is idle, else on a thread of the
// core's own), so an ack always comes before its result; an execution's
// end reaches it directly from the execution (not through the store), so a
// reply waits for no disk (a quick action's, run on the message's thread,
// not even for its records, saved by a worker afterwards). Announcements
// on route `chatops` (chatops.post_message, from rules and workflows) are
// posted to the channel they name, through the adapter they name or every
// adapter.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "chatops/access.hpp"
#include "chatops/aliases/alias_index.hpp"
#include "chatops/chat_message.hpp"
#include "expr/template.hpp"

namespace packhost {
class Host;
}

namespace packhost::chatops {

struct ChatOptions {
    std::string prefix = "!";
    std::string bot_name = "packhost";
    size_t max_result_chars = 2000;    // longer results are cut, with the pointer
    size_t max_message_bytes = 16384;  // longer messages are refused
    AccessRules access;
};

class ChatCore {
public:
    // `host` outlives the core.
    ChatCore(Host& host, aliases::AliasIndex aliases, ChatOptions options);
    ~ChatCore();
    ChatCore(const ChatCore&) = delete;
    ChatCore& operator=(const ChatCore&) = delete;

    // The adapter outlives the core (or is removed first).
    void add_adapter(Adapter& adapter);

    // Handles a message on this thread when the core is idle (a quick
    // action's run and reply included), else queues it for whoever runs jobs.
    void receive(Message message);

    // Whether `m` is addressed to the bot (the prefix, its name, or the
    // adapter says so); a message too long to read is judged by its start.
    // For adapters that must tell commands from chatter before handing
    // them over (Slack's duplicate deliveries).
    bool is_command(const Message& m) const;

    // Waits until every message received so far was handled and every
    // execution they started has had its result posted, or `timeout`
    // passes. False on timeout.
    bool wait_idle(std::chrono::milliseconds timeout);

private:
    // Where an execution's result goes.
    struct Waiting {
        std::string adapter, channel, thread;
        std::string alias_ref;
    };
    struct Finished {
        Waiting to;
        std::string id;
        Json execution;  // as `execution get --json` shows it
    };
    struct Job {
        std::optional<Message> message;
        std::optional<Finished> finished;
        std::optional<std::string> announcement;  // its payload, JSON text
    };

    void loop();
    void dispatch(Job job);
    void enqueue(Job job);
    void announce(const std::string& payload);
    void run(Job& job);  // takes what it needs from the job
    void handle(const Message& m);
    void run_command(const Message& m, const std::string& command);
    void finished(Finished& f);
    void post(const std::string& adapter, const std::string& channel, const std::string& thread, std::string text,
              Json extra = {});
    std::optional<std::string> command_of(const Message& m) const;

    Host& host_;
    aliases::AliasIndex aliases_;
    ChatOptions options_;
    expr::TemplateCache templates_;
    std::map<std::string, Adapter*> adapters_;

    // After a job: wakes whoever must know, and nobody else (a needless
    // wake costs a busy CPU's time on the reply's way).
    void settle();

    std::mutex mu_;
    std::condition_variable cv_;       // the core's thread: a job for it
    std::condition_variable idle_cv_;  // wait_idle()
    std::deque<Job> jobs_;
    bool busy_ = false;
    bool stopping_ = false;
    size_t outstanding_ = 0;  // executions started from chat whose result is still to be posted
    size_t idle_waiters_ = 0;
    // What an execution's end holds on to: it may come after the core is
    // gone (serve stopping, a long run), and then finds nobody. The end is
    // handed over without holding `mu`: handing it over may run jobs, and
    // one of them may start a quick execution that ends on this very thread.
    struct Alive {
        std::mutex mu;
        std::condition_variable cv;
        ChatCore* core = nullptr;
        int handing_over = 0;  // ends being handed to `core` now
    };
    std::shared_ptr<Alive> alive_ = std::make_shared<Alive>();
    uint64_t announcements_ = 0;  // the event bus subscription (0: none)
    std::thread thread_;
};

}  // namespace packhost::chatops

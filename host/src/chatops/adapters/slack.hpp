#pragma once
// The Slack adapter: Slack's Events API received by packhost serve at
// POST /chatops/slack/events, replies through the Web API's
// chat.postMessage. Requests are checked exactly as Slack documents
// (https://api.slack.com/authentication/verifying-requests-from-slack):
// X-Slack-Signature must be "v0=" + hex HMAC-SHA256 of
// "v0:{X-Slack-Request-Timestamp}:{raw body}" with the signing secret,
// compared in constant time, and the timestamp within 300 s of now; anything
// else is 401 and nothing runs. The answer goes back at once (Slack wants it
// within 3 s), the command runs afterwards; Slack's retries
// (X-Slack-Retry-Num) are acknowledged and ignored, and so is the second
// delivery of one message (an app subscribed to app_mention and message.*
// gets a message that mentions it as both).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "chatops/chat_core.hpp"
#include "chatops/chat_message.hpp"
#include "http/message.hpp"

namespace packhost::chatops::adapters {

struct SlackOptions {
    std::string signing_secret;
    std::string bot_token;
    std::string api_url = "https://slack.com/api";  // the Web API's base URL
    int64_t max_skew_seconds = 300;
};

// What a request's signature headers come to.
enum class SlackVerdict { ok, missing, stale, forged };
SlackVerdict verify_slack_request(const http::Request& request, const std::string& signing_secret, int64_t now_seconds,
                                  int64_t max_skew_seconds = 300);
// The headers Slack would send with `body` at `timestamp` (tests, tools).
std::string slack_signature(const std::string& signing_secret, const std::string& timestamp, const std::string& body);

// The chat message an Events API event_callback carries, or nullopt for one
// the bot does not read (its own posts, edits, other event types).
std::optional<Message> slack_message(const Json& callback);
// Which message an event_callback is about ("channel/ts"): the same for a
// message's app_mention and message events; "" when it does not say.
std::string slack_message_key(const Json& callback);
// chat.postMessage's body for `reply`: its text, or as the reply's
// extra.slack shapes it (hubot-stackstorm's two forms: `attachments` and
// other message fields as given, the text beside them; or one attachment's
// fields, the text put in it).
Json slack_message_body(const Reply& reply);
// The seconds a 429's Retry-After asks for, from libcurl's response header
// lines; 1 when it does not say.
int64_t slack_retry_after(std::string_view headers);

class SlackAdapter final : public Adapter {
public:
    SlackAdapter(ChatCore& core, SlackOptions options);
    ~SlackAdapter() override;
    SlackAdapter(const SlackAdapter&) = delete;
    SlackAdapter& operator=(const SlackAdapter&) = delete;

    const std::string& name() const override { return name_; }
    // Queued; a thread of the adapter's own calls chat.postMessage.
    void post(const Reply& reply) override;

    // POST /chatops/slack/events.
    http::Response handle(const http::Request& request);

private:
    void send_loop();
    void send(const Reply& reply);
    // False when the message `key` names was taken already (the last
    // kRemembered are kept); an empty key is always new.
    bool first_delivery(const std::string& key);
    static constexpr size_t kRemembered = 1024;

    const std::string name_ = "slack";
    ChatCore& core_;
    SlackOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Reply> outbox_;
    bool stopping_ = false;
    std::mutex seen_mu_;
    std::unordered_set<std::string> seen_;  // channel and ts of the messages taken
    std::deque<std::string> seen_order_;    // oldest first
    std::thread sender_;
};

}  // namespace packhost::chatops::adapters

#include "chatops/adapters/slack.hpp"

#include <charconv>
#include <chrono>
#include <memory>

#include "actions/runners/curl_library.hpp"
#include "core/clock.hpp"
#include "core/hmac_signature.hpp"
#include "core/log.hpp"

namespace packhost::chatops::adapters {
namespace {

// Built by appending: GCC 12 at -O3 takes std::string::replace here for an
// overlapping memcpy (-Wrestrict, a false positive; make release-check).
std::string replace_all(const std::string& text, std::string_view from, std::string_view to) {
    if (from.empty()) return text;
    std::string out;
    out.reserve(text.size());
    size_t done = 0;
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, done)) {
        out.append(text, done, at - done);
        out.append(to);
        done = at + from.size();
    }
    out.append(text, done);
    return out;
}

// Slack escapes &, < and > in message text and types smart quotes; the
// aliases expect what the user meant (hubot-stackstorm normalises the same).
std::string plain_text(std::string text) {
    text = replace_all(std::move(text), "&lt;", "<");
    text = replace_all(std::move(text), "&gt;", ">");
    text = replace_all(std::move(text), "&amp;", "&");
    for (const char* q : {"\u201c", "\u201d"}) text = replace_all(std::move(text), q, "\"");
    for (const char* q : {"\u2018", "\u2019"}) text = replace_all(std::move(text), q, "'");
    return text;
}

// "<@U0LAN0Z89> echo hi" -> "echo hi".
std::string without_leading_mention(const std::string& text) {
    size_t start = text.find_first_not_of(" \t");
    if (start == std::string::npos || text.compare(start, 2, "<@") != 0) return text;
    size_t close = text.find('>', start);
    if (close == std::string::npos) return text;
    return text.substr(close + 1);
}

struct CurlEasy {
    const actions::CurlLibrary& lib;
    CURL* handle;
    curl_slist* headers = nullptr;
    ~CurlEasy() {
        if (headers) lib.slist_free_all(headers);
        if (handle) lib.easy_cleanup(handle);
    }
};

size_t collect(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

}  // namespace

SlackVerdict verify_slack_request(const http::Request& request, const std::string& signing_secret, int64_t now_seconds,
                                  int64_t max_skew_seconds) {
    std::string_view timestamp = request.header("x-slack-request-timestamp");
    std::string_view signature = request.header("x-slack-signature");
    if (timestamp.empty() || signature.empty() || signing_secret.empty()) return SlackVerdict::missing;
    int64_t ts = 0;
    auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
    if (ec != std::errc() || end != timestamp.data() + timestamp.size()) return SlackVerdict::forged;
    if (ts > now_seconds + max_skew_seconds || ts < now_seconds - max_skew_seconds) return SlackVerdict::stale;
    std::string base = "v0:" + std::string(timestamp) + ":" + request.body;
    return core::hmac_sha256_signature_valid(signature, "v0=", signing_secret, base) ? SlackVerdict::ok
                                                                                     : SlackVerdict::forged;
}

std::string slack_signature(const std::string& signing_secret, const std::string& timestamp, const std::string& body) {
    return core::hmac_sha256_signature("v0=", signing_secret, "v0:" + timestamp + ":" + body);
}

std::optional<Message> slack_message(const Json& callback) {
    if (!callback.is_object() || callback.value("type", "") != "event_callback") return std::nullopt;
    auto e = callback.find("event");
    if (e == callback.end() || !e->is_object()) return std::nullopt;
    std::string type = e->value("type", "");
    if (type != "app_mention" && type != "message") return std::nullopt;
    // The bot's own posts come back as message events; edits and joins
    // carry a subtype. Neither is a command.
    if (e->contains("bot_id") || e->contains("subtype")) return std::nullopt;
    if (!e->contains("text") || !(*e)["text"].is_string() || !e->contains("user")) return std::nullopt;
    Message m;
    m.adapter = "slack";
    m.user = e->value("user", "");
    m.channel = e->value("channel", "");
    m.thread = e->value("thread_ts", "");
    m.text = plain_text((*e)["text"].get<std::string>());
    if (type == "app_mention") {
        m.text = without_leading_mention(m.text);
        m.addressed = true;
    }
    if (e->value("channel_type", "") == "im") m.addressed = true;
    return m;
}

std::string slack_message_key(const Json& callback) {
    auto e = callback.find("event");
    if (e == callback.end() || !e->is_object()) return "";
    auto ts = e->find("ts");
    auto channel = e->find("channel");
    if (ts == e->end() || !ts->is_string() || channel == e->end() || !channel->is_string()) return "";
    return channel->get<std::string>() + "/" + ts->get<std::string>();
}

SlackAdapter::SlackAdapter(ChatCore& core, SlackOptions options) : core_(core), options_(std::move(options)) {
    while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
    sender_ = std::thread([this] { send_loop(); });
}

SlackAdapter::~SlackAdapter() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    sender_.join();
}

void SlackAdapter::post(const Reply& reply) {
    {
        std::lock_guard lock(mu_);
        outbox_.push_back(reply);
    }
    cv_.notify_all();
}

void SlackAdapter::send_loop() {
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
        if (outbox_.empty()) return;  // stopping, everything sent
        Reply reply = std::move(outbox_.front());
        outbox_.pop_front();
        lock.unlock();
        try {
            send(reply);
        } catch (const std::exception& e) {
            core::log::error("slack: chat.postMessage to {}: {}", reply.channel, e.what());
        }
        lock.lock();
    }
}

// chat.postMessage as the Web API documents it: JSON with a bot token,
// {"ok": false, "error"} on failure, 429 with Retry-After when rate limited.
void SlackAdapter::send(const Reply& reply) {
    Json body = Json::object();
    body["channel"] = reply.channel;
    body["text"] = reply.text;
    if (!reply.thread.empty()) body["thread_ts"] = reply.thread;
    std::string payload = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    const std::string url = options_.api_url + "/chat.postMessage";
    for (int attempt = 0; attempt < 4; ++attempt) {
        const auto& lib = actions::curl_library();
        CurlEasy c{lib, lib.easy_init()};
        if (!c.handle) throw std::runtime_error("curl_easy_init failed");
        std::string auth = "Authorization: Bearer " + options_.bot_token;
        c.headers = lib.slist_append(c.headers, "Content-Type: application/json; charset=utf-8");
        c.headers = lib.slist_append(c.headers, auth.c_str());
        std::string answer;
        std::string headers;
        lib.easy_setopt(c.handle, CURLOPT_URL, url.c_str());
        lib.easy_setopt(c.handle, CURLOPT_PROTOCOLS_STR, "http,https");
        lib.easy_setopt(c.handle, CURLOPT_NOSIGNAL, 1L);
        lib.easy_setopt(c.handle, CURLOPT_HTTPHEADER, c.headers);
        lib.easy_setopt(c.handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
        lib.easy_setopt(c.handle, CURLOPT_POSTFIELDS, payload.c_str());
        lib.easy_setopt(c.handle, CURLOPT_TIMEOUT_MS, 10000L);
        lib.easy_setopt(c.handle, CURLOPT_WRITEFUNCTION, collect);
        lib.easy_setopt(c.handle, CURLOPT_WRITEDATA, &answer);
        lib.easy_setopt(c.handle, CURLOPT_HEADERFUNCTION, collect);
        lib.easy_setopt(c.handle, CURLOPT_HEADERDATA, &headers);
        CURLcode rc = lib.easy_perform(c.handle);
        if (rc != CURLE_OK) throw std::runtime_error(lib.easy_strerror(rc));
        long status = 0;
        lib.easy_getinfo(c.handle, CURLINFO_RESPONSE_CODE, &status);
        if (status == 429) {
            long wait = 1;
            size_t at = headers.find("etry-After:");  // any case of the R
            if (at != std::string::npos) wait = std::max(1L, std::strtol(headers.c_str() + at + 11, nullptr, 10));
            std::this_thread::sleep_for(std::chrono::seconds(std::min(wait, 30L)));
            continue;
        }
        Json got = Json::parse(answer, nullptr, false);
        if (status != 200 || got.is_discarded() || !got.value("ok", false)) {
            std::string why = got.is_object() ? got.value("error", "") : "";
            throw std::runtime_error("HTTP " + std::to_string(status) + (why.empty() ? "" : ": " + why));
        }
        return;
    }
    throw std::runtime_error("still rate limited after 4 attempts");
}

http::Response SlackAdapter::handle(const http::Request& request) {
    switch (
        verify_slack_request(request, options_.signing_secret, core::now_us() / 1'000'000, options_.max_skew_seconds)) {
    case SlackVerdict::ok: break;
    case SlackVerdict::missing:
        return http::Response::fault(401, "missing X-Slack-Request-Timestamp or X-Slack-Signature");
    case SlackVerdict::stale: return http::Response::fault(401, "X-Slack-Request-Timestamp is more than 300 s away");
    case SlackVerdict::forged: return http::Response::fault(401, "X-Slack-Signature does not match the body");
    }
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return http::Response::fault(400, "the body is not a JSON object");
    if (body.value("type", "") == "url_verification") {
        Json out = Json::object();
        out["challenge"] = body.value("challenge", "");
        return http::Response::json(200, out);
    }
    // A retry of an event this host already took (Slack did not hear back
    // in time): taken once is enough.
    if (!request.header("x-slack-retry-num").empty()) return http::Response::json(200, Json::object());
    auto m = slack_message(body);
    // A message that mentions the bot comes as app_mention and as message
    // (one channel, one ts) when the app subscribes to both. Chatter is let
    // go without being remembered: "<@bot> echo hi" is no command as a
    // message event, only as its app_mention twin, whichever comes first.
    if (m && core_.is_command(*m) && first_delivery(slack_message_key(body))) core_.receive(std::move(*m));
    return http::Response::json(200, Json::object());
}

bool SlackAdapter::first_delivery(const std::string& key) {
    if (key.empty()) return true;
    std::lock_guard lock(seen_mu_);
    if (!seen_.insert(key).second) return false;
    seen_order_.push_back(key);
    if (seen_order_.size() > kRemembered) {
        seen_.erase(seen_order_.front());
        seen_order_.pop_front();
    }
    return true;
}

}  // namespace packhost::chatops::adapters

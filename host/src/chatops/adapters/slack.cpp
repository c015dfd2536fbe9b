#include "chatops/adapters/slack.hpp"

#include <strings.h>

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

// What the user typed, from Slack's message text (its formatting, as
// hubot-slack's formatter reads it back, which StackStorm's chatops uses):
// Slack sends links, e-mail addresses, channels and mentions as
// <link|label> and escapes &, < and > as entities. "<https://x.io>" and
// "<https://x.io|x.io>" become https://x.io, "<mailto:a@b.io|a@b.io>" a@b.io,
// a link whose label is other text "label (link)", "<#C1|ops>" #ops,
// "<@U1|bob>" @bob, "<!here>" @here; a mention or channel without a label is
// left as Slack wrote it (its name would take a Web API lookup). Typographic
// quotes are turned back into the straight ones an alias expects.
std::string plain_text(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    while (at < text.size()) {
        size_t open = text.find('<', at);
        size_t close = open == std::string::npos ? open : text.find('>', open + 1);
        if (close == std::string::npos) break;
        out.append(text, at, open - at);
        std::string_view inner(text.data() + open + 1, close - open - 1);
        at = close + 1;
        char type = !inner.empty() && (inner[0] == '@' || inner[0] == '#' || inner[0] == '!') ? inner[0] : 0;
        if (type) inner.remove_prefix(1);
        size_t bar = inner.find('|');
        std::string_view link = inner.substr(0, bar);
        std::string_view label = bar == std::string_view::npos ? std::string_view() : inner.substr(bar + 1);
        if (link.empty()) {
            out.append(text, open, close + 1 - open);
        } else if (type == '@' || type == '#') {
            if (label.empty()) {
                out.append(text, open, close + 1 - open);
            } else {
                out += type;
                out += label;
            }
        } else if (type == '!') {
            if (link == "channel" || link == "group" || link == "everyone" || link == "here") {
                out += '@';
                out += link;
            } else if (!label.empty()) {
                out += label;
            } else {
                out.append(text, open, close + 1 - open);
            }
        } else {
            if (link.substr(0, 7) == "mailto:") link.remove_prefix(7);
            if (!label.empty() && link.find(label) == std::string_view::npos) {
                out.append(label).append(" (").append(link).append(")");
            } else {
                out += link;
            }
        }
    }
    out.append(text, at, std::string::npos);
    out = replace_all(out, "&lt;", "<");
    out = replace_all(out, "&gt;", ">");
    out = replace_all(out, "&amp;", "&");
    for (const char* q : {"\u201c", "\u201d"}) out = replace_all(out, q, "\"");
    for (const char* q : {"\u2018", "\u2019"}) out = replace_all(out, q, "'");
    return out;
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
    // The mention that addresses the bot goes before the text is read
    // back: it is Slack's markup.
    const auto& raw = (*e)["text"].get_ref<const std::string&>();
    m.text = plain_text(type == "app_mention" ? without_leading_mention(raw) : raw);
    m.addressed = type == "app_mention";
    if (e->value("channel_type", "") == "im") m.addressed = true;
    return m;
}

Json slack_message_body(const Reply& reply) {
    Json body = Json::object();
    body["channel"] = reply.channel;
    if (!reply.thread.empty()) body["thread_ts"] = reply.thread;
    const Json* slack = nullptr;
    if (reply.extra.is_object()) {
        if (auto it = reply.extra.find("slack"); it != reply.extra.end() && it->is_object()) slack = &*it;
    }
    if (!slack) {
        body["text"] = reply.text;
        return body;
    }
    if (slack->contains("attachments") || slack->contains("blocks")) {
        // The message as extra.slack describes it (hubot-stackstorm's
        // `attachments` form; Slack's blocks as well), beside the text.
        for (const auto& [key, value] : slack->items()) {
            if (key != "channel" && key != "thread_ts") body[key] = value;
        }
        if (!body.contains("text") && !reply.text.empty()) body["text"] = reply.text;
        return body;
    }
    // hubot-stackstorm's first form: extra.slack holds the fields of one
    // attachment (color, title, fields, ...), and the text goes in it.
    Json attachment = Json::object();
    attachment["mrkdwn_in"] = Json::array({"text", "pretext"});
    if (auto color = reply.extra.find("color"); color != reply.extra.end()) attachment["color"] = *color;
    for (const auto& [key, value] : slack->items()) attachment[key] = value;
    attachment["text"] = reply.text;
    attachment["fallback"] = reply.text;
    body["attachments"] = Json::array({std::move(attachment)});
    return body;
}

int64_t slack_retry_after(std::string_view headers) {
    // Header names in any case: HTTP/2, which libcurl speaks to slack.com
    // when it can, sends them in lower case.
    constexpr std::string_view kName = "retry-after:";
    for (size_t at = 0; at < headers.size();) {
        size_t end = headers.find('\n', at);
        std::string_view line = headers.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        at = end == std::string_view::npos ? headers.size() : end + 1;
        if (line.size() < kName.size() || ::strncasecmp(line.data(), kName.data(), kName.size()) != 0) continue;
        std::string_view value = line.substr(kName.size());
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        int64_t seconds = 0;
        bool read = std::from_chars(value.data(), value.data() + value.size(), seconds).ec == std::errc();
        return read && seconds > 0 ? seconds : 1;
    }
    return 1;
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
    Json body = slack_message_body(reply);
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
            std::this_thread::sleep_for(std::chrono::seconds(std::min<int64_t>(slack_retry_after(headers), 30)));
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

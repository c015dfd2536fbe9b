#pragma once
// A fake of Slack's Web API for tests (Slack cannot be reached from here):
// POST /api/chat.postMessage exactly as https://api.slack.com/methods/chat.postMessage
// documents it — a bot token as `Authorization: Bearer`, a JSON body with
// `channel` and `text` (and `thread_ts`; `text` may be left out when
// `attachments` or `blocks` say it), HTTP 200 with {"ok": true,
// "channel", "ts", "message"} or {"ok": false, "error": "invalid_auth" |
// "not_authed" | "channel_not_found" | "no_text"}; and, when asked, one
// HTTP 429 with `Retry-After` first, as its rate limits answer.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace packhost::testing {

class FakeSlack {
public:
    explicit FakeSlack(std::string token) : token_(std::move(token)) {
        server_.Post("/api/chat.postMessage", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu_);
            if (rate_limit_once_) {
                rate_limit_once_ = false;
                res.status = 429;
                res.set_header("Retry-After", "1");
                return;
            }
            auto answer = [&](nlohmann::json j) { res.set_content(j.dump(), "application/json; charset=utf-8"); };
            std::string auth = req.get_header_value("Authorization");
            if (auth.empty()) return answer({{"ok", false}, {"error", "not_authed"}});
            if (auth != "Bearer " + token_) return answer({{"ok", false}, {"error", "invalid_auth"}});
            auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (!body.is_object() || !body.contains("channel"))
                return answer({{"ok", false}, {"error", "channel_not_found"}});
            bool text = body.contains("text") && !body["text"].get<std::string>().empty();
            if (!text && !body.contains("attachments") && !body.contains("blocks"))
                return answer({{"ok", false}, {"error", "no_text"}});
            posts_.push_back(body);
            cv_.notify_all();
            answer({{"ok", true},
                    {"channel", body["channel"]},
                    {"ts", "1503435956.000247"},
                    {"message", {{"text", body.value("text", "")}, {"type", "message"}, {"ts", "1503435956.000247"}}}});
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~FakeSlack() {
        server_.stop();
        thread_.join();
    }

    std::string api_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api"; }
    void rate_limit_once() {
        std::lock_guard lock(mu_);
        rate_limit_once_ = true;
    }
    // Waits until `count` messages were posted (or `timeout`); returns them.
    std::vector<nlohmann::json> posts(size_t count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return posts_.size() >= count; });
        return posts_;
    }

private:
    std::string token_;
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<nlohmann::json> posts_;
    bool rate_limit_once_ = false;
};

}  // namespace packhost::testing

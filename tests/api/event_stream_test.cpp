// StackStorm's event stream (/stream/v1/stream) over a real socket: what
// executions and webhooks do arrives as server-sent events with ids; a
// reader that reconnects with Last-Event-ID gets what it missed; ?events=
// chooses types; a reader that never reads is cut off while the server
// goes on serving everyone else.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "api/rest_fixture.hpp"

using namespace packhost;
using packhost::testing::RestApiTest;
using namespace std::chrono_literals;

namespace {

struct SseEvent {
    uint64_t id = 0;
    std::string type;
    Json data;
};

std::vector<SseEvent> parse_events(const std::string& text) {
    std::vector<SseEvent> out;
    size_t at = 0;
    while (true) {
        size_t end = text.find("\n\n", at);
        if (end == std::string::npos) break;
        std::string block = text.substr(at, end - at);
        at = end + 2;
        SseEvent e;
        size_t line_at = 0;
        while (line_at < block.size()) {
            size_t nl = block.find('\n', line_at);
            if (nl == std::string::npos) nl = block.size();
            std::string line = block.substr(line_at, nl - line_at);
            line_at = nl + 1;
            if (line.rfind("id: ", 0) == 0) e.id = std::stoull(line.substr(4));
            if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
            if (line.rfind("data: ", 0) == 0) e.data = Json::parse(line.substr(6));
        }
        if (!e.type.empty()) out.push_back(std::move(e));
    }
    return out;
}

// Reads the stream on its own connection until `enough` says so.
class StreamReader {
public:
    StreamReader(uint16_t port, httplib::Headers headers, std::string path,
                 std::function<bool(const std::vector<SseEvent>&)> enough)
        : thread_([=, this] {
              httplib::Client c("127.0.0.1", port);
              c.set_read_timeout(20, 0);
              c.Get(path, headers, [&](const char* data, size_t n) {
                  std::lock_guard lock(mu_);
                  text_.append(data, n);
                  if (text_.find(": packhost event stream") != std::string::npos) connected_ = true;
                  return !enough(parse_events(text_));
              });
              done_ = true;
          }) {}
    ~StreamReader() {
        if (thread_.joinable()) thread_.join();
    }
    bool wait_connected() {
        for (int i = 0; i < 500 && !connected_; ++i) std::this_thread::sleep_for(10ms);
        return connected_;
    }
    std::vector<SseEvent> finish() {
        thread_.join();
        std::lock_guard lock(mu_);
        return parse_events(text_);
    }

private:
    std::mutex mu_;
    std::string text_;
    std::atomic<bool> connected_{false}, done_{false};
    std::thread thread_;
};

bool has(const std::vector<SseEvent>& events, const std::string& type, const std::string& status = "") {
    for (const auto& e : events) {
        if (e.type == type && (status.empty() || e.data.value("status", "") == status)) return true;
    }
    return false;
}

}  // namespace

TEST_F(RestApiTest, ExecutionsAndWebhooksArriveOnTheStream) {
    StreamReader reader(server_->port(), auth(), "/stream/v1/stream", [](const auto& events) {
        return has(events, "st2.execution__update", "succeeded") && has(events, "st2.trigger_instance__create");
    });
    ASSERT_TRUE(reader.wait_connected());
    auto run = post("/api/v1/executions", {{"action", "core.local"}, {"parameters", {{"cmd", "echo streamed"}}}});
    ASSERT_EQ(run->status, 201) << run->body;
    std::string id = Json::parse(run->body)["id"];
    ASSERT_EQ(client_->Post("/api/v1/webhooks/seen", auth(), "{}", "application/json")->status, 202);
    auto events = reader.finish();

    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().type, "st2.execution__create");
    EXPECT_EQ(events.front().data["id"], id);
    EXPECT_EQ(events.front().data["action"]["ref"], "core.local");
    EXPECT_EQ(events.front().data["context"]["user"], "alice");
    bool output = false;
    for (const auto& e : events) {
        if (e.type == "st2.execution.output__create") {
            output = true;
            EXPECT_EQ(e.data["execution_id"], id);
            EXPECT_EQ(e.data["output_type"], "stdout");
            EXPECT_EQ(e.data["data"], "streamed\n");
        }
    }
    EXPECT_TRUE(output);
    for (size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].id, events[i - 1].id);
    for (const auto& e : events) {
        if (e.type == "st2.trigger_instance__create") {
            EXPECT_EQ(e.data["payload"]["url"], "seen");
        }
    }
}

TEST_F(RestApiTest, AReaderThatReconnectsGetsWhatItMissedAndOnlyTheTypesItAsked) {
    ASSERT_EQ(client_->Post("/api/v1/webhooks/first", auth(), "{}", "application/json")->status, 202);
    std::vector<SseEvent> before;
    {
        StreamReader reader(server_->port(), auth(), "/stream/v1/stream?last_event_id=1",
                            [](const auto& events) { return has(events, "st2.trigger_instance__create"); });
        before = reader.finish();
    }
    ASSERT_EQ(before.size(), 1u) << "id 1 is older than anything kept: the whole ring is replayed";
    uint64_t seen = before.back().id;

    // Missed while away: a webhook and an execution.
    ASSERT_EQ(client_->Post("/api/v1/webhooks/second", auth(), "{}", "application/json")->status, 202);
    auto run = post("/api/v1/executions", {{"action", "core.noop"}});
    wait_for(Json::parse(run->body)["id"]);

    auto h = auth();
    h.emplace("Last-Event-ID", std::to_string(seen));
    StreamReader again(server_->port(), h, "/stream/v1/stream?events=st2.trigger_instance__create",
                       [](const auto& events) { return !events.empty(); });
    auto missed = again.finish();
    ASSERT_EQ(missed.size(), 1u);
    EXPECT_EQ(missed[0].data["payload"]["url"], "second");
    EXPECT_GT(missed[0].id, seen);

    auto bad = auth();
    bad.emplace("Last-Event-ID", "yesterday");
    EXPECT_EQ(client_->Get("/stream/v1/stream", bad)->status, 400);
    EXPECT_EQ(client_->Get("/stream/v1/stream")->status, 401);
}

class SlowReaderTest : public RestApiTest {
protected:
    void SetUp() override {
        options_.stream_max_buffered_bytes = 64 << 10;
        RestApiTest::SetUp();
    }
};

TEST_F(SlowReaderTest, AReaderThatNeverReadsIsCutOffAndOthersAreServed) {
    size_t others = events_.subscribers();  // the metrics count from the bus too
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    int small = 4096;  // a small receive window fills quickly
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string request = "GET /stream/v1/stream HTTP/1.1\r\nHost: x\r\nSt2-Api-Key: " + key_ + "\r\n\r\n";
    ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    for (int i = 0; i < 500 && events_.subscribers() == others; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(events_.subscribers(), others + 1);

    // Far more than the socket buffers and the stream's bound hold.
    std::string big(100000, 'x');
    for (int i = 0; i < 400 && events_.subscribers() > others; ++i) {
        auto r = client_->Post("/api/v1/webhooks/flood", auth(), Json{{"pad", big}}.dump(), "application/json");
        ASSERT_EQ(r->status, 202);
    }
    EXPECT_EQ(events_.subscribers(), others) << "the reader that never reads was cut off";
    EXPECT_EQ(client_->Get("/api/v1/health")->status, 200);
    close(fd);
}

// The HTTP server on real sockets on 127.0.0.1: routing, keep-alive, and
// each kind of hostile client (oversized bodies and headers, garbage, a
// byte a second, a client gone mid-response, a thousand open connections),
// after each of which the server still answers the others.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/pending.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

using namespace packhost;
using namespace std::chrono_literals;

namespace {

// A raw client: what it sends is exactly what the test writes.
class Conn {
public:
    explicit Conn(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~Conn() {
        if (fd_ >= 0) ::close(fd_);
    }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    Conn(Conn&& o) noexcept : fd_(std::exchange(o.fd_, -1)), ok_(o.ok_) {}

    bool ok() const { return ok_; }
    bool send(const std::string& s) {
        size_t at = 0;
        while (at < s.size()) {
            ssize_t n = ::send(fd_, s.data() + at, s.size() - at, MSG_NOSIGNAL);
            if (n <= 0) return false;
            at += static_cast<size_t>(n);
        }
        return true;
    }
    // Reads one response (headers and a Content-Length body); empty when the
    // connection closed first or nothing came within `timeout`.
    std::string response(std::chrono::milliseconds timeout = 5000ms) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (true) {
            size_t end = buffer_.find("\r\n\r\n");
            if (end != std::string::npos) {
                size_t length = 0;
                auto cl = buffer_.find("Content-Length: ");
                if (cl != std::string::npos && cl < end) length = std::stoul(buffer_.substr(cl + 16));
                if (buffer_.size() >= end + 4 + length) {
                    std::string r = buffer_.substr(0, end + 4 + length);
                    buffer_.erase(0, end + 4 + length);
                    return r;
                }
            }
            if (!fill(until)) return {};
        }
    }
    // True when the server closed the connection within `timeout`.
    bool closed_by_server(std::chrono::milliseconds timeout) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) {
                char c[4096];
                ssize_t n = ::recv(fd_, c, sizeof c, 0);
                if (n <= 0) return true;
                buffer_.append(c, static_cast<size_t>(n));
            }
        }
        return false;
    }
    int fd() const { return fd_; }

private:
    bool fill(std::chrono::steady_clock::time_point until) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char c[65536];
        ssize_t n = ::recv(fd_, c, sizeof c, 0);
        if (n <= 0) return false;
        buffer_.append(c, static_cast<size_t>(n));
        return true;
    }
    int fd_ = -1;
    bool ok_ = false;
    std::string buffer_;
};

int status_of(const std::string& response) { return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0; }

std::string get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

class HttpServer : public ::testing::Test {
protected:
    void SetUp() override {
        router_.add("GET", "/hello/{name}", [](const http::Request&, const http::Params& p) {
            return http::Response::json(200, Json{{"hello", p.at("name")}});
        });
        router_.add("POST", "/echo", [](const http::Request& r, const http::Params&) {
            http::Response out;
            out.content_type = "text/plain";
            out.body = r.body;
            return out;
        });
        router_.add("GET", "/big", [](const http::Request&, const http::Params&) {
            http::Response out;
            out.content_type = "text/plain";
            out.body.assign(8 << 20, 'x');
            return out;
        });
        router_.add("GET", "/query", [](const http::Request& r, const http::Params&) {
            const std::string* v = r.query_value("q");
            return http::Response::json(200, Json{{"q", v ? *v : ""}, {"path", r.path}});
        });
    }
    void start(http::ServerOptions o = {}) {
        o.port = 0;
        server_ = std::make_unique<http::Server>(o, [this](const http::Request& r) { return router_.dispatch(r); });
        server_->start();
    }
    uint16_t port() const { return server_->port(); }
    // The server still answers a fresh client.
    void still_serving() {
        Conn c(port());
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(c.send(get("/hello/again")));
        auto r = c.response();
        EXPECT_EQ(status_of(r), 200) << r;
    }

    http::Router router_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace

TEST_F(HttpServer, RoutesByPathAndMethodAndKeepsTheConnection) {
    start();
    Conn c(port());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.send(get("/hello/world")));
    auto r = c.response();
    EXPECT_EQ(status_of(r), 200) << r;
    EXPECT_NE(r.find("\"hello\": \"world\""), std::string::npos) << r;
    EXPECT_NE(r.find("Content-Type: application/json"), std::string::npos) << r;
    // The same connection serves the next requests.
    ASSERT_TRUE(c.send(get("/nothing/here")));
    r = c.response();
    EXPECT_EQ(status_of(r), 404) << r;
    EXPECT_NE(r.find("faultstring"), std::string::npos) << r;
    ASSERT_TRUE(c.send("DELETE /hello/x HTTP/1.1\r\nHost: t\r\n\r\n"));
    r = c.response();
    EXPECT_EQ(status_of(r), 405) << r;
    EXPECT_NE(r.find("Allow: GET"), std::string::npos) << r;
    ASSERT_TRUE(c.send(get("/query?q=a%20b+c&x=1")));
    r = c.response();
    EXPECT_NE(r.find("\"q\": \"a b c\""), std::string::npos) << r;
    EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(HttpServer, AnswersPipelinedRequestsInOrder) {
    start();
    Conn c(port());
    ASSERT_TRUE(c.send(get("/hello/one") + get("/hello/two")));
    EXPECT_NE(c.response().find("one"), std::string::npos);
    EXPECT_NE(c.response().find("two"), std::string::npos);
}

TEST_F(HttpServer, ABodyOverTheLimitIs413AndTheServerGoesOn) {
    http::ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    Conn c(port());
    std::string body(4096, 'a');
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" + body));
    auto r = c.response();
    EXPECT_EQ(status_of(r), 413) << r;
    EXPECT_NE(r.find("1024 bytes"), std::string::npos) << r;
    // Within the limit, the body arrives whole.
    Conn ok(port());
    ASSERT_TRUE(ok.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
    r = ok.response();
    EXPECT_EQ(status_of(r), 200) << r;
    EXPECT_EQ(r.substr(r.size() - 5), "hello");
}

TEST_F(HttpServer, AnswersExpectContinueBeforeTheBody) {
    start();
    Conn c(port());
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
    auto cont = c.response();
    EXPECT_EQ(status_of(cont), 100) << cont;
    ASSERT_TRUE(c.send("abc"));
    auto r = c.response();
    EXPECT_EQ(status_of(r), 200) << r;
    EXPECT_EQ(r.substr(r.size() - 3), "abc");
}

TEST_F(HttpServer, AHeaderOfAMebibyteIs431) {
    start();
    Conn c(port());
    std::string huge(1 << 20, 'h');
    c.send("GET /hello/x HTTP/1.1\r\nHost: t\r\nX-Huge: " + huge + "\r\n\r\n");
    auto r = c.response();
    EXPECT_EQ(status_of(r), 431) << r.substr(0, 200);
    // A request line of a mebibyte too.
    Conn line(port());
    line.send("GET /" + huge + " HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(status_of(line.response()), 431);
    still_serving();
}

TEST_F(HttpServer, GarbageIs400) {
    start();
    Conn c(port());
    ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
    auto r = c.response();
    EXPECT_EQ(status_of(r), 400) << r;
    EXPECT_NE(r.find("Malformed HTTP request"), std::string::npos) << r;
    Conn bad_length(port());
    ASSERT_TRUE(bad_length.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: nope\r\n\r\n"));
    EXPECT_EQ(status_of(bad_length.response()), 400);
    still_serving();
}

TEST_F(HttpServer, AClientSendingAByteAtATimeIsCutOff) {
    http::ServerOptions o;
    o.request_timeout = 400ms;
    start(o);
    Conn slow(port());
    std::string request = get("/hello/slow");
    std::atomic<bool> done{false};
    // Slowloris: a byte every 100 ms would take ~2.5 s for this request.
    std::thread drip([&] {
        for (char ch : request) {
            if (done || !slow.send(std::string(1, ch))) return;
            std::this_thread::sleep_for(100ms);
        }
    });
    bool cut = slow.closed_by_server(2000ms);
    done = true;
    drip.join();
    EXPECT_TRUE(cut) << "the server kept a trickling request open past its request timeout";
    still_serving();
}

TEST_F(HttpServer, AnIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout) {
    http::ServerOptions o;
    o.idle_timeout = 300ms;
    start(o);
    Conn c(port());
    ASSERT_TRUE(c.send(get("/hello/x")));
    EXPECT_EQ(status_of(c.response()), 200);
    EXPECT_TRUE(c.closed_by_server(2000ms));
}

TEST_F(HttpServer, AClientGoneMidResponseDoesNotDisturbTheOthers) {
    start();
    for (int i = 0; i < 5; ++i) {
        Conn c(port());
        ASSERT_TRUE(c.send(get("/big")));
        // Read a little of the 8 MiB, then vanish (RST on close with unread data).
        pollfd p{c.fd(), POLLIN, 0};
        ::poll(&p, 1, 2000);
        char buf[1024];
        ASSERT_GT(::recv(c.fd(), buf, sizeof buf, 0), 0);
    }
    still_serving();
}

TEST_F(HttpServer, AThousandConcurrentKeepAliveConnectionsAreAllAnswered) {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ASSERT_GE(rl.rlim_cur, 2200u) << "this machine allows too few open files for the test";
    start();
    std::vector<Conn> conns;
    conns.reserve(1000);
    for (int i = 0; i < 1000; ++i) {
        conns.emplace_back(port());
        ASSERT_TRUE(conns.back().ok()) << "connection " << i;
    }
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(conns[i].send(get("/hello/c" + std::to_string(i))));
    for (int i = 0; i < 1000; ++i) {
        auto r = conns[i].response(10000ms);
        ASSERT_EQ(status_of(r), 200) << "connection " << i;
        ASSERT_NE(r.find("c" + std::to_string(i) + "\""), std::string::npos);
    }
    // Still open: a second round on the same connections.
    for (int i = 0; i < 1000; i += 100) {
        ASSERT_TRUE(conns[i].send(get("/hello/again")));
        EXPECT_EQ(status_of(conns[i].response()), 200);
    }
    EXPECT_EQ(server_->connections(), 1000u);
}

TEST_F(HttpServer, StopClosesIdleConnectionsAndFinishesTheAnswerBeingWritten) {
    router_.add("GET", "/slow", [](const http::Request&, const http::Params&) {
        std::this_thread::sleep_for(300ms);
        return http::Response::json(200, Json{{"slow", true}});
    });
    start();
    Conn idle(port());
    ASSERT_TRUE(idle.send(get("/hello/x")));
    ASSERT_EQ(status_of(idle.response()), 200);
    Conn busy(port());
    ASSERT_TRUE(busy.send(get("/slow")));
    std::this_thread::sleep_for(100ms);  // the handler is running
    uint16_t bound = port();
    std::thread stopper([&] { server_->stop(); });
    auto r = busy.response();
    EXPECT_EQ(status_of(r), 200) << r;
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
    EXPECT_TRUE(idle.closed_by_server(2000ms));
    stopper.join();
    Conn after(bound);
    EXPECT_FALSE(after.ok()) << "the stopped server still accepted a connection";
}

// Responses given later (POST /api/v1/executions waits for the store's
// commit that way): the routes keep what they promised here.
class Promised {
public:
    void add(http::Router& router) {
        router.add("GET", "/later", [this](const http::Request&, const http::Params&) {
            auto p = std::make_shared<http::Pending>();
            std::lock_guard lock(mu_);
            pending_.push_back(p);
            return http::Response::later(p);
        });
    }
    size_t count() {
        std::lock_guard lock(mu_);
        return pending_.size();
    }
    std::shared_ptr<http::Pending> at(size_t i) {
        std::lock_guard lock(mu_);
        return pending_.at(i);
    }
    bool wait_for(size_t n) {
        for (int i = 0; i < 500 && count() < n; ++i) std::this_thread::sleep_for(10ms);
        return count() >= n;
    }

private:
    std::mutex mu_;
    std::vector<std::shared_ptr<http::Pending>> pending_;
};

TEST_F(HttpServer, AResponseGivenLaterHoldsNoIoThreadAndKeepsTheConnection) {
    Promised promised;
    promised.add(router_);
    http::ServerOptions o;
    o.threads = 1;
    start(o);
    std::vector<Conn> waiting;
    for (int i = 0; i < 5; ++i) {
        waiting.emplace_back(port());
        ASSERT_TRUE(waiting.back().send(get("/later")));
    }
    ASSERT_TRUE(promised.wait_for(5));
    // Five requests wait and the one I/O thread still answers another.
    still_serving();
    EXPECT_TRUE(waiting[0].response(100ms).empty()) << "answered before it was given";
    promised.at(0)->then([](http::Response& r) { r.headers.emplace_back("X-Seen", "yes"); });
    for (size_t i = 0; i < 5; ++i) {
        std::thread([p = promised.at(i), i] {
            p->finish([i] { return http::Response::json(201, Json{{"n", i}}); });
        }).join();
    }
    for (size_t i = 0; i < 5; ++i) {
        auto r = waiting[i].response();
        EXPECT_EQ(status_of(r), 201) << r;
        EXPECT_NE(r.find("\"n\": " + std::to_string(i)), std::string::npos) << r;
        if (i == 0) {
            EXPECT_NE(r.find("X-Seen: yes"), std::string::npos) << r;
        }
    }
    // Kept alive: the same connection asks again.
    ASSERT_TRUE(waiting[2].send(get("/hello/more")));
    EXPECT_EQ(status_of(waiting[2].response()), 200);
    // Finishing twice, or a make that throws, is no crash.
    ASSERT_TRUE(waiting[3].send(get("/later")));
    ASSERT_TRUE(promised.wait_for(6));
    promised.at(5)->finish([]() -> http::Response { throw std::runtime_error("defect"); });
    promised.at(5)->finish([] { return http::Response::json(200, Json::object()); });
    EXPECT_EQ(status_of(waiting[3].response()), 500);
}

TEST_F(HttpServer, StopWaitsForResponsesGivenLaterAndAbandonsThoseNeverGiven) {
    Promised promised;
    promised.add(router_);
    http::ServerOptions o;
    o.request_timeout = 600ms;
    start(o);
    Conn given(port()), never(port());
    ASSERT_TRUE(given.send(get("/later")));
    ASSERT_TRUE(promised.wait_for(1));
    ASSERT_TRUE(never.send(get("/later")));
    ASSERT_TRUE(promised.wait_for(2));
    auto began = std::chrono::steady_clock::now();
    std::thread stopper([&] { server_->stop(); });
    std::this_thread::sleep_for(100ms);
    promised.at(0)->finish([] { return http::Response::json(201, Json::object()); });
    auto r = given.response();
    EXPECT_EQ(status_of(r), 201) << r;
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
    EXPECT_TRUE(never.closed_by_server(3000ms)) << "abandoned once the request timeout passed";
    stopper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
    // Given after the server has gone: nothing happens.
    promised.at(1)->finish([] { return http::Response::json(201, Json::object()); });
}

TEST(HttpServerBind, AnAddressInUseIsAClearError) {
    http::ServerOptions o;
    o.port = 0;
    http::Server first(o, [](const http::Request&) { return http::Response{}; });
    o.port = first.port();
    try {
        http::Server second(o, [](const http::Request&) { return http::Response{}; });
        FAIL() << "a second server bound the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(o.port)), std::string::npos) << e.what();
    }
}

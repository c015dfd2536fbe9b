// The http-request runner (core.http) against a real HTTP server on
// 127.0.0.1 (cpp-httplib), including servers that refuse, hang, redirect in
// a loop or return invalid JSON.
#include <gtest/gtest.h>
#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "host.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;

namespace {

class HttpRequest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new httplib::Server();
        server_->Get("/json", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(R"({"a": 1, "list": [true, null]})", "application/json");
        });
        server_->Get("/text", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("plain text", "text/plain");
        });
        auto echo = [](const httplib::Request& req, httplib::Response& res) {
            json q = json::object();
            for (const auto& [k, v] : req.params) q[k] = v;
            res.set_header("X-Echo", "yes");
            res.set_content(json{{"method", req.method},
                                 {"body", req.body},
                                 {"content_type", req.get_header_value("Content-Type")},
                                 {"custom", req.get_header_value("X-Custom")},
                                 {"auth", req.get_header_value("Authorization")},
                                 {"query", q}}
                                .dump(),
                            "application/json");
        };
        server_->Post("/echo", echo);
        server_->Put("/echo", echo);
        server_->Get("/echo", echo);
        server_->Get("/status/503", [](const httplib::Request&, httplib::Response& res) {
            res.status = 503;
            res.set_content("down", "text/plain");
        });
        server_->Get("/hang", [](const httplib::Request&, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::seconds(5));
            res.set_content("late", "text/plain");
        });
        server_->Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
        server_->Get("/redirect", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/json"); });
        server_->Get("/bad-json", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("{not json", "application/json");
        });
        port_ = server_->bind_to_any_port("127.0.0.1");
        thread_ = new std::thread([] { server_->listen_after_bind(); });
        while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

        HostOptions o;
        o.packs_path = {BUNDLED_PACKS_DIR};
        o.scheduler.workers = 4;
        host_ = new Host(o);
    }
    static void TearDownTestSuite() {
        delete host_;
        server_->stop();
        thread_->join();
        delete thread_;
        delete server_;
    }
    static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    std::shared_ptr<executions::Execution> run(json params, double timeout = 0) {
        executions::Request r{"core.http", std::move(params), timeout};
        auto e = host_->scheduler().submit(std::move(r));
        e->wait();
        return e;
    }
    static httplib::Server* server_;
    static std::thread* thread_;
    static int port_;
    static Host* host_;
};

httplib::Server* HttpRequest::server_ = nullptr;
std::thread* HttpRequest::thread_ = nullptr;
int HttpRequest::port_ = 0;
Host* HttpRequest::host_ = nullptr;

}  // namespace

TEST_F(HttpRequest, GetsAndParsesJson) {
    auto e = run({{"url", url("/json")}});
    EXPECT_EQ(e->status(), Status::succeeded);
    auto r = e->result();
    EXPECT_EQ(r["status_code"], 200);
    EXPECT_EQ(r["parsed"], true);
    EXPECT_EQ(r["body"], (json{{"a", 1}, {"list", {true, nullptr}}}));
    EXPECT_EQ(r["headers"]["Content-Type"], "application/json");
    auto text = run({{"url", url("/text")}});
    EXPECT_EQ(text->result()["body"], "plain text");
    EXPECT_EQ(text->result()["parsed"], false);
}

TEST_F(HttpRequest, SendsMethodBodyHeadersQueryAndAuth) {
    auto e = run({{"url", url("/echo")},
                  {"method", "POST"},
                  {"body", {{"project", "demo"}}},
                  {"headers", {{"X-Custom", "c"}}},
                  {"params", {{"q", "a b"}, {"n", 2}}},
                  {"username", "u"},
                  {"password", "p"}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->result();
    auto b = e->result()["body"];
    EXPECT_EQ(b["method"], "POST");
    EXPECT_EQ(json::parse(b["body"].get<std::string>()), (json{{"project", "demo"}}));
    EXPECT_EQ(b["content_type"], "application/json");
    EXPECT_EQ(b["custom"], "c");
    EXPECT_EQ(b["auth"], "Basic dTpw");
    EXPECT_EQ(nlohmann::json(b["query"]), (nlohmann::json{{"q", "a b"}, {"n", "2"}})) << "in any order";
    EXPECT_EQ(e->result()["headers"]["X-Echo"], "yes");
    EXPECT_EQ(e->to_json()["parameters"]["password"], "********");
    auto put = run({{"url", url("/echo")}, {"method", "PUT"}, {"body", "raw text"}});
    EXPECT_EQ(put->result()["body"]["body"], "raw text");
}

TEST_F(HttpRequest, ErrorStatusFails) {
    auto e = run({{"url", url("/status/503")}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_EQ(e->result()["status_code"], 503);
    EXPECT_EQ(e->result()["body"], "down");
}

TEST_F(HttpRequest, RefusedConnection) {
    // A port nothing listens on: bind one, then let it go.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int free_port = ntohs(addr.sin_port);
    ::close(fd);
    auto e = run({{"url", "http://127.0.0.1:" + std::to_string(free_port) + "/"}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_NE(e->result()["error"].get<std::string>().find("Couldn't connect"), std::string::npos) << e->result();
}

TEST_F(HttpRequest, HangingServerTimesOut) {
    auto start = std::chrono::steady_clock::now();
    auto e = run({{"url", url("/hang")}, {"timeout", 0.5}});
    EXPECT_EQ(e->status(), Status::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    auto deadline = run({{"url", url("/hang")}}, 0.5);
    EXPECT_EQ(deadline->status(), Status::timeout) << "the execution's deadline bounds the request";
}

TEST_F(HttpRequest, Redirects) {
    auto not_followed = run({{"url", url("/redirect")}});
    EXPECT_EQ(not_followed->result()["status_code"], 302);
    auto followed = run({{"url", url("/redirect")}, {"allow_redirects", true}});
    EXPECT_EQ(followed->result()["body"]["a"], 1);
    auto loop = run({{"url", url("/loop")}, {"allow_redirects", true}});
    EXPECT_EQ(loop->status(), Status::failed);
    EXPECT_NE(loop->result()["error"].get<std::string>().find("redirects"), std::string::npos) << loop->result();
}

TEST_F(HttpRequest, InvalidJsonIsKeptAsText) {
    auto e = run({{"url", url("/bad-json")}});
    EXPECT_EQ(e->status(), Status::succeeded);
    EXPECT_EQ(e->result()["parsed"], false);
    EXPECT_EQ(e->result()["body"], "{not json");
}

TEST_F(HttpRequest, OnlyHttpSchemes) {
    auto e = run({{"url", "file:///etc/passwd"}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_EQ(e->result().dump().find("root:"), std::string::npos);
}

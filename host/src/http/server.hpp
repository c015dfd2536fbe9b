#pragma once
// The host's HTTP/1.1 server: Boost.Beast on a fixed set of Asio I/O
// threads, keep-alive, no thread per connection (an idle connection costs a
// socket and a buffer). Limits are enforced while reading, before a handler
// sees anything: a request must arrive whole within `request_timeout` (a
// client sending a byte a second is cut off), headers above
// `max_header_bytes` get 431, bodies above `max_body_bytes` 413.
// Beast stays inside server.cpp; handlers see http::Request/Response.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace packhost::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 9101;  // 0: any free port (tests)
    unsigned threads = 2;
    size_t max_body_bytes = 1 << 20;
    size_t max_header_bytes = 64 << 10;
    std::chrono::milliseconds request_timeout{10000};  // the whole request, headers and body
    std::chrono::milliseconds idle_timeout{60000};     // between requests on a kept-alive connection
};

// Gets the request to keep or change (authentication notes the user in it).
using Handler = std::function<Response(Request&)>;

class Server {
public:
    // Binds and listens at once (throws std::runtime_error naming the
    // address when it cannot); serves once start() is called.
    Server(ServerOptions options, Handler handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();
    // The port bound (the one chosen when options.port was 0).
    uint16_t port() const;
    // Stops accepting; requests being answered are finished; idle
    // connections are closed. Returns once the I/O threads have ended.
    void stop();

    // Connections open now.
    size_t connections() const;

    // Runs `fn` on an I/O thread at `when` (the system clock) unless
    // cancel(id) or stop() comes first: the runtime's timers, which the
    // service's other parts (timer triggers, chat) share with HTTP.
    uint64_t at(std::chrono::system_clock::time_point when, std::function<void()> fn);
    void cancel(uint64_t id);
    struct Impl;  // Beast and Asio, in server.cpp only

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace packhost::http

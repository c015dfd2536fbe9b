#pragma once
// A small HTTP/1.1 client on Boost.Beast (the runtime the server uses), for
// the CLI talking to a remote `packhost serve`: one request at a time on a
// kept-alive connection, and an event stream read as it arrives. Plain
// http:// only: put TLS in front with a proxy, as with StackStorm's nginx.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace packhost::http {

struct ClientResponse {
    int status = 0;
    std::string body;
    std::string content_type;
};

class Client {
public:
    // `base_url`: "http://host:port" (a path after it is a prefix for every
    // request). Throws std::invalid_argument for anything else.
    explicit Client(const std::string& base_url, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~Client();

    void set_header(std::string name, std::string value);

    // Throws std::runtime_error("cannot reach http://…: why") when the
    // server cannot be reached or the answer is not HTTP.
    ClientResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                           const std::string& content_type = "application/json");
    // GET `target` and give `on_data` the body as it arrives, until it
    // returns false or the server ends it. Returns the status (non-2xx:
    // its body goes to on_data at once).
    int stream(const std::string& target, const std::function<bool(std::string_view)>& on_data);

    const std::string& base_url() const { return base_url_; }

    struct Impl;

private:
    std::string base_url_;
    std::unique_ptr<Impl> impl_;
};

// "a b/c" -> "a%20b%2Fc" (a path segment or a query value).
std::string percent_encode(std::string_view text);

}  // namespace packhost::http

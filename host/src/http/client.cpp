#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace packhost::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Client::Impl {
    std::string host, port, prefix;
    std::chrono::milliseconds timeout;
    std::vector<std::pair<std::string, std::string>> headers;
    net::io_context ioc;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    void connect(const std::string& base) {
        stream.emplace(ioc);
        beast::error_code ec;
        tcp::resolver resolver(ioc);
        auto found = resolver.resolve(host, port, ec);
        if (!ec) {
            stream->expires_after(timeout);
            stream->connect(found, ec);
        }
        if (ec) {
            stream.reset();
            throw std::runtime_error("cannot reach " + base + ": " + ec.message());
        }
        buffer.clear();
    }

    bhttp::request<bhttp::string_body> make(const std::string& method, const std::string& target,
                                            const std::string& body, const std::string& content_type) {
        bhttp::request<bhttp::string_body> req;
        req.method_string(method);
        req.target(prefix + target);
        req.version(11);
        req.set(bhttp::field::host, host + ":" + port);
        req.set(bhttp::field::user_agent, "packhost");
        for (const auto& [k, v] : headers) req.set(k, v);
        if (!body.empty()) {
            req.set(bhttp::field::content_type, content_type);
            req.body() = body;
        }
        req.keep_alive(true);
        req.prepare_payload();
        return req;
    }
};

Client::Client(const std::string& base_url, std::chrono::milliseconds timeout)
    : base_url_(base_url), impl_(std::make_unique<Impl>()) {
    constexpr std::string_view kScheme = "http://";
    if (base_url.rfind(kScheme, 0) != 0) {
        throw std::invalid_argument("the URL must start with http:// (got '" + base_url +
                                    "'); for TLS, put a proxy in front");
    }
    std::string rest = base_url.substr(kScheme.size());
    size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    impl_->prefix = slash == std::string::npos ? "" : rest.substr(slash);
    while (!impl_->prefix.empty() && impl_->prefix.back() == '/') impl_->prefix.pop_back();
    size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        impl_->host = authority.substr(0, colon);
        impl_->port = authority.substr(colon + 1);
    } else {
        impl_->host = authority;
        impl_->port = "80";
    }
    if (impl_->host.size() > 2 && impl_->host.front() == '[')
        impl_->host = impl_->host.substr(1, impl_->host.size() - 2);
    if (impl_->host.empty()) throw std::invalid_argument("the URL '" + base_url + "' names no host");
    impl_->timeout = timeout;
}

Client::~Client() = default;

void Client::set_header(std::string name, std::string value) {
    impl_->headers.emplace_back(std::move(name), std::move(value));
}

ClientResponse Client::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& content_type) {
    auto& d = *impl_;
    auto req = d.make(method, target, body, content_type);
    // A kept-alive connection the server has closed meanwhile fails at once:
    // one fresh attempt then.
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool fresh = !d.stream;
        if (fresh) d.connect(base_url_);
        beast::error_code ec;
        d.stream->expires_after(d.timeout);
        bhttp::write(*d.stream, req, ec);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(256u << 20);
        if (!ec) bhttp::read(*d.stream, d.buffer, parser, ec);
        if (ec) {
            d.stream.reset();
            if (!fresh) continue;
            throw std::runtime_error("cannot reach " + base_url_ + ": " + ec.message());
        }
        auto res = parser.release();
        ClientResponse out;
        out.status = static_cast<int>(res.result_int());
        out.content_type = std::string(res[bhttp::field::content_type]);
        out.body = std::move(res.body());
        if (!res.keep_alive()) d.stream.reset();
        return out;
    }
    throw std::runtime_error("cannot reach " + base_url_);
}

int Client::stream(const std::string& target, const std::function<bool(std::string_view)>& on_data) {
    auto& d = *impl_;
    d.stream.reset();
    d.connect(base_url_);
    auto req = d.make("GET", target, "", "");
    req.keep_alive(false);
    beast::error_code ec;
    d.stream->expires_after(d.timeout);
    bhttp::write(*d.stream, req, ec);
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    if (!ec) bhttp::read_header(*d.stream, d.buffer, parser, ec);
    if (ec) {
        d.stream.reset();
        throw std::runtime_error("cannot reach " + base_url_ + ": " + ec.message());
    }
    int status = static_cast<int>(parser.get().result_int());
    d.stream->expires_never();
    char chunk[8192];
    bool more = true;
    while (more && !parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        // read_some: an event stream's parts are small and must come as
        // they arrive, not once a buffer's worth has gathered.
        bhttp::read_some(*d.stream, d.buffer, parser, ec);
        if (ec == bhttp::error::need_buffer) ec = {};
        size_t got = sizeof chunk - parser.get().body().size;
        if (got > 0) more = on_data(std::string_view(chunk, got));
        if (ec) break;
    }
    d.stream.reset();
    return status;
}

std::string percent_encode(std::string_view text) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace packhost::http

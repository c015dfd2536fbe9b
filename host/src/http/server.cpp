#include "http/server.hpp"

#include <sys/resource.h>

#include <atomic>
#include <cctype>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/log.hpp"
#include "http/pending.hpp"
#include "http/stream.hpp"

namespace packhost::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Many kept-alive clients (a chat bot, CI jobs, dashboards) each hold a
// descriptor: the soft limit (often 1,024) is raised to the hard one.
void raise_descriptor_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

Request to_request(bhttp::request<bhttp::string_body>&& r, const std::string& remote) {
    Request out;
    out.method = std::string(r.method_string());
    std::string_view target(r.target().data(), r.target().size());
    size_t q = target.find('?');
    out.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) out.query = parse_form(target.substr(q + 1));
    for (const auto& field : r) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(r.body());
    out.remote = remote;
    return out;
}

}  // namespace

class Session;

struct Server::Impl {
    ServerOptions options;
    Handler handler;
    std::atomic<bool> stopping{false};

    // Declared before the io_context: destroying it may end sessions
    // still queued there, and each one leaves this map on its way out.
    mutable std::mutex mu;
    std::condition_variable cv;
    size_t running = 0;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    std::unordered_set<std::shared_ptr<Pending>> pendings;  // responses given later, not yet delivered

    uint64_t last_timer = 0;
    std::unordered_map<uint64_t, std::shared_ptr<net::system_timer>> timers;  // under mu

    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    net::steady_timer accept_retry{ioc};
    std::vector<std::thread> threads;

    Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}
    void accept();
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
        beast::error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    ~Session() {
        std::lock_guard lock(server_.mu);
        server_.sessions.erase(this);
    }

    void run() {
        {
            std::lock_guard lock(server_.mu);
            server_.sessions[this] = weak_from_this();
        }
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
    }

    // On stop: a connection waiting for its next request is closed now; one
    // being answered closes after its response.
    void close_if_idle() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle_) self->close();
            if (self->body_stream_) self->body_stream_->close();
        });
    }

private:
    // Between requests only the idle timeout applies; once a request's first
    // bytes are in, the whole of it must arrive within the request timeout.
    void wait_for_request() {
        if (server_.stopping) return close();
        idle_ = true;
        if (buffer_.size() > 0) return read_header();  // pipelined: already here
        stream_.expires_after(server_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
            self->idle_ = false;
            if (ec) return self->close();
            self->buffer_.commit(n);
            self->read_header();
        });
    }

    void read_header() {
        idle_ = false;
        parser_.emplace();
        parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
        parser_->body_limit(server_.options.max_body_bytes);
        stream_.expires_after(server_.options.request_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return self->on_error(ec);
            auto& req = self->parser_->get();
            // curl and others wait for this before sending a large body.
            auto expect = req[bhttp::field::expect];
            if (beast::iequals(expect, "100-continue")) {
                auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
                bhttp::async_write(self->stream_, *cont, [self, cont](beast::error_code wec, size_t) {
                    if (wec) return self->close();
                    self->read_body();
                });
                return;
            }
            self->read_body();
        });
    }

    void read_body() {
        bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return self->on_error(ec);
            self->answer();
        });
    }

    void on_error(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
            ec == net::error::connection_reset || ec == net::error::eof) {
            return close();
        }
        if (ec == bhttp::error::body_limit) {
            return respond(Response::fault(413, "The request body is larger than the limit of " +
                                                    std::to_string(server_.options.max_body_bytes) + " bytes"),
                           false);
        }
        if (ec == bhttp::error::header_limit) {
            return respond(Response::fault(431, "The request line and headers are larger than the limit of " +
                                                    std::to_string(server_.options.max_header_bytes) + " bytes"),
                           false);
        }
        respond(Response::fault(400, "Malformed HTTP request: " + ec.message()), false);
    }

    void answer() {
        auto req = parser_->release();
        bool keep_alive = req.keep_alive();
        bool head = req.method() == bhttp::verb::head;
        Request request = to_request(std::move(req), remote_);
        Response response;
        try {
            response = server_.handler(request);
        } catch (const std::exception& e) {
            // Handlers map bad input to 4xx themselves; this is a defect.
            core::log::error("http {} {}: {}", request.method, request.path, e.what());
            response = Response::fault(500, "Internal error");
        }
        if (response.pending) return await(std::move(response.pending), keep_alive, head);
        if (head) response.body.clear();
        if (response.stream && !head) return start_stream(std::move(response));
        respond(std::move(response), keep_alive);
    }

    // The response comes from another thread later; until then this
    // connection has no operation under way, so a work guard keeps the I/O
    // threads running for it (a stopping server abandons it instead).
    void await(std::shared_ptr<Pending> pending, bool keep_alive, bool head) {
        {
            std::lock_guard lock(server_.mu);
            server_.pendings.insert(pending);
        }
        pending->on_finish([self = shared_from_this(), weak = std::weak_ptr<Pending>(pending), keep_alive, head,
                            guard = net::make_work_guard(stream_.get_executor())](Pending::Make make) {
            net::post(self->stream_.get_executor(), [self, weak, keep_alive, head, make = std::move(make)] {
                {
                    std::lock_guard lock(self->server_.mu);
                    if (auto p = weak.lock()) self->server_.pendings.erase(p);
                }
                self->server_.cv.notify_all();
                Response response;
                try {
                    response = make();
                } catch (const std::exception& e) {
                    core::log::error("http: making a response given later: {}", e.what());
                    response = Response::fault(500, "Internal error");
                }
                if (head) response.body.clear();
                self->respond(std::move(response), keep_alive);
            });
        });
    }

    // A streamed body: the headers, then whatever the stream gives until it
    // closes or the client goes; delimited by closing the connection (no
    // length, no chunking), as event streams are. No timeout: a reader that
    // stops reading is ended by the stream's bound instead.
    void start_stream(Response r) {
        body_stream_ = std::move(r.stream);
        std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " +
                           std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(r.status))) +
                           "\r\nServer: packhost\r\nContent-Type: " + r.content_type +
                           "\r\nCache-Control: no-cache\r\nConnection: close\r\n";
        for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
        head += "\r\n";
        stream_.expires_never();
        std::weak_ptr<Session> weak = weak_from_this();
        body_stream_->set_waker([weak] {
            if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->pump(); });
        });
        // The client going away ends the stream (its producer unsubscribes).
        watch_client();
        write_stream_part(std::move(head));
    }

    void watch_client() {
        stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, size_t) {
            if (!ec) return self->watch_client();
            self->client_gone_ = true;
            self->body_stream_->close();
            self->pump();
        });
    }

    void pump() {
        if (writing_ || !body_stream_) return;
        bool ended = false;
        std::string part = body_stream_->take(ended);
        if (ended || client_gone_) {
            body_stream_->close();
            return close();
        }
        if (!part.empty()) write_stream_part(std::move(part));
    }

    void write_stream_part(std::string part) {
        writing_ = true;
        auto data = std::make_shared<std::string>(std::move(part));
        net::async_write(stream_, net::buffer(*data), [self = shared_from_this(), data](beast::error_code ec, size_t) {
            self->writing_ = false;
            if (ec) {
                self->body_stream_->close();
                return self->close();
            }
            self->pump();
        });
    }

    void respond(Response r, bool keep_alive) {
        keep_alive = keep_alive && !server_.stopping;
        auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), 11);
        res->set(bhttp::field::server, "packhost");
        if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
        for (const auto& [k, v] : r.headers) res->set(k, v);
        res->body() = std::move(r.body);
        res->keep_alive(keep_alive);
        res->prepare_payload();
        stream_.expires_after(server_.options.request_timeout);
        bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
            if (ec || !keep_alive) return self->close();
            self->wait_for_request();
        });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    Server::Impl& server_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::string remote_;
    bool idle_ = false;
    std::shared_ptr<Stream> body_stream_;
    bool writing_ = false;
    bool client_gone_ = false;
    char discard_[256];
};

void Server::Impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (stopping || ec == net::error::operation_aborted) return;
        if (ec) {
            // Out of descriptors (EMFILE) and the like: try again shortly
            // rather than spin or stop accepting for good.
            core::log::warn("http: accepting a connection failed: {}", ec.message());
            accept_retry.expires_after(std::chrono::milliseconds(50));
            accept_retry.async_wait([this](beast::error_code) {
                if (!stopping) accept();
            });
            return;
        }
        std::make_shared<Session>(std::move(socket), *this)->run();
        accept();
    });
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
    raise_descriptor_limit();
    auto& o = impl_->options;
    beast::error_code ec;
    auto address = net::ip::make_address(o.address, ec);
    if (ec) throw std::runtime_error("cannot listen on " + o.address + ": not an IP address");
    tcp::endpoint endpoint(address, o.port);
    auto& a = impl_->acceptor;
    std::string where = o.address + ":" + std::to_string(o.port);
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
}

Server::~Server() { stop(); }

void Server::start() {
    impl_->accept();
    unsigned n = std::max(1u, impl_->options.threads);
    {
        std::lock_guard lock(impl_->mu);
        impl_->running = n;
    }
    for (unsigned i = 0; i < n; ++i) {
        impl_->threads.emplace_back([impl = impl_.get()] {
            impl->ioc.run();
            std::lock_guard lock(impl->mu);
            --impl->running;
            impl->cv.notify_all();
        });
    }
}

uint16_t Server::port() const {
    beast::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

size_t Server::connections() const {
    std::lock_guard lock(impl_->mu);
    return impl_->sessions.size();
}

uint64_t Server::at(std::chrono::system_clock::time_point when, std::function<void()> fn) {
    auto timer = std::make_shared<net::system_timer>(impl_->ioc, when);
    uint64_t id;
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopping) return 0;
        id = ++impl_->last_timer;
        impl_->timers.emplace(id, timer);
    }
    timer->async_wait([impl = impl_.get(), id, fn = std::move(fn)](beast::error_code ec) {
        {
            std::lock_guard lock(impl->mu);
            if (impl->timers.erase(id) == 0 || ec) return;  // canceled
        }
        try {
            fn();
        } catch (const std::exception& e) {
            core::log::error("timer {}: {}", id, e.what());
        }
    });
    return id;
}

void Server::cancel(uint64_t id) {
    std::shared_ptr<net::system_timer> timer;
    {
        std::lock_guard lock(impl_->mu);
        auto it = impl_->timers.find(id);
        if (it == impl_->timers.end()) return;
        timer = std::move(it->second);
        impl_->timers.erase(it);
    }
    net::post(impl_->ioc, [timer] { timer->cancel(); });
}

void Server::stop() {
    if (impl_->stopping.exchange(true)) {
        for (auto& t : impl_->threads)
            if (t.joinable()) t.join();
        return;
    }
    {
        std::lock_guard lock(impl_->mu);
        for (auto& [id, timer] : impl_->timers) net::post(impl_->ioc, [timer = timer] { timer->cancel(); });
        impl_->timers.clear();
    }
    net::post(impl_->ioc, [impl = impl_.get()] {
        beast::error_code ec;
        impl->acceptor.close(ec);
        impl->accept_retry.cancel();
    });
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(impl_->mu);
        for (auto& [_, weak] : impl_->sessions)
            if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->close_if_idle();
    live.clear();
    // Responses given later are waited for as long as a request may take;
    // those still not given then are abandoned (their connections close).
    std::vector<std::shared_ptr<Pending>> late;
    {
        std::unique_lock lock(impl_->mu);
        if (!impl_->threads.empty()) {
            impl_->cv.wait_for(lock, impl_->options.request_timeout, [&] { return impl_->pendings.empty(); });
        }
        late.assign(impl_->pendings.begin(), impl_->pendings.end());
        impl_->pendings.clear();
    }
    for (auto& p : late) p->abandon();
    late.clear();
    if (impl_->threads.empty()) return;
    // Responses being written finish; a client that reads nothing is not
    // waited for past the request timeout.
    {
        std::unique_lock lock(impl_->mu);
        impl_->cv.wait_for(lock, impl_->options.request_timeout + std::chrono::seconds(1),
                           [&] { return impl_->running == 0; });
    }
    impl_->ioc.stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
}

}  // namespace packhost::http

#include "chatops/adapters/irc.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <future>
#include <mutex>

namespace packhost::chatops::adapters {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

IrcLine parse_irc_line(std::string_view line) {
    IrcLine out;
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (!line.empty() && line.front() == ':') {
        size_t space = line.find(' ');
        out.prefix = std::string(line.substr(1, space == std::string_view::npos ? std::string_view::npos : space - 1));
        line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    }
    while (!line.empty()) {
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        if (line.empty()) break;
        if (!out.command.empty() && line.front() == ':') {
            out.params.emplace_back(line.substr(1));
            break;
        }
        size_t space = line.find(' ');
        std::string_view word = line.substr(0, space);
        if (out.command.empty()) {
            out.command = std::string(word);
        } else {
            out.params.emplace_back(word);
        }
        line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    }
    return out;
}

std::vector<std::string> irc_lines(const std::string& text, size_t max_bytes) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        // A CR or NUL inside a line would end it early on the wire.
        for (auto& c : line) {
            if (c == '\r' || c == '\0') c = ' ';
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        while (line.size() > max_bytes) {
            size_t cut = max_bytes;
            while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
            size_t space = line.rfind(' ', cut);
            if (space != std::string::npos && space > max_bytes / 2) cut = space;
            out.push_back(line.substr(0, cut));
            line.erase(0, cut + (cut < line.size() && line[cut] == ' ' ? 1 : 0));
        }
        if (!line.empty()) out.push_back(std::move(line));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

struct IrcAdapter::Impl : std::enable_shared_from_this<Impl> {
    Impl(net::io_context& io, ChatCore& core, IrcOptions options)
        : io(io),
          strand(net::make_strand(io)),
          core(core),
          options(std::move(options)),
          ssl_context(net::ssl::context::tls_client),
          resolver(strand),
          retry_timer(strand),
          pace_timer(strand),
          tokens(static_cast<double>(this->options.burst)) {
        if (this->options.ca_file.empty()) {
            ssl_context.set_default_verify_paths();
        } else {
            const std::string& file = this->options.ca_file;
            if (!std::ifstream(file)) {
                throw std::invalid_argument("chatops.irc.ca_file: cannot read " + file + ": " + std::strerror(errno));
            }
            boost::system::error_code ec;
            ssl_context.load_verify_file(file, ec);
            if (ec) throw std::invalid_argument("chatops.irc.ca_file: " + file + " holds no PEM certificate");
        }
    }

    net::io_context& io;
    net::strand<net::io_context::executor_type> strand;
    ChatCore& core;
    IrcOptions options;
    net::ssl::context ssl_context;
    tcp::resolver resolver;
    net::steady_timer retry_timer;
    net::steady_timer pace_timer;
    std::unique_ptr<net::ssl::stream<tcp::socket>> stream;
    net::streambuf in;

    // Everything below runs on the strand only.
    std::deque<std::string> control;  // registration, PONG, JOIN: first, not paced
    std::deque<std::string> outbox;   // PRIVMSG lines: paced, kept across reconnects
    bool writing = false;
    bool connected = false;
    bool registered = false;
    bool stopping = false;
    bool pacing = false;
    uint64_t generation = 0;  // of the connection; handlers of an older one do nothing
    int nick_attempt = 0;
    std::chrono::seconds backoff{1};
    double tokens;
    Clock::time_point refilled = Clock::now();

    mutable std::mutex nick_mu;
    std::string accepted_nick;  // under nick_mu

    std::string nick_to_try() const {
        if (nick_attempt == 0) return options.nick;
        // RFC 1459 nicks are at most 9 characters; ngircd's default too.
        std::string suffix = nick_attempt == 1 ? "_" : "_" + std::to_string(nick_attempt);
        return options.nick.substr(0, std::max<size_t>(1, 9 - std::min<size_t>(8, suffix.size()))) + suffix;
    }

    std::string nick() const {
        std::lock_guard lock(nick_mu);
        return accepted_nick;
    }

    void connect() {
        if (stopping) return;
        ++generation;
        spdlog::debug("irc: connecting to {}:{}", options.server, options.port);
        stream = std::make_unique<net::ssl::stream<tcp::socket>>(strand, ssl_context);
        in.consume(in.size());
        auto self = shared_from_this();
        uint64_t gen = generation;
        resolver.async_resolve(
            options.server, std::to_string(options.port),
            net::bind_executor(strand, [self, gen](boost::system::error_code ec, tcp::resolver::results_type found) {
                if (gen != self->generation || self->stopping) return;
                if (ec) return self->lost("cannot resolve " + self->options.server + ": " + ec.message());
                net::async_connect(
                    self->stream->next_layer(), found,
                    net::bind_executor(self->strand, [self, gen](boost::system::error_code ec2, const tcp::endpoint&) {
                        if (gen != self->generation || self->stopping) return;
                        if (ec2) return self->lost("cannot connect: " + ec2.message());
                        // Replies are small lines: no waiting to fill a segment.
                        boost::system::error_code ignored;
                        self->stream->next_layer().set_option(tcp::no_delay(true), ignored);
                        self->secure(gen);
                    }));
            }));
    }

    void secure(uint64_t gen) {
        if (!options.tls) return ready();
        auto self = shared_from_this();
        if (options.verify_tls) {
            stream->set_verify_mode(net::ssl::verify_peer);
            stream->set_verify_callback(net::ssl::host_name_verification(options.server));
        } else {
            stream->set_verify_mode(net::ssl::verify_none);
        }
        // SNI names a host; an address is not sent (RFC 6066 section 3).
        boost::system::error_code not_an_address;
        (void)net::ip::make_address(options.server, not_an_address);
        if (not_an_address) SSL_set_tlsext_host_name(stream->native_handle(), options.server.c_str());
        stream->async_handshake(net::ssl::stream_base::client,
                                net::bind_executor(strand, [self, gen](boost::system::error_code ec) {
                                    if (gen != self->generation || self->stopping) return;
                                    if (ec) return self->lost("TLS handshake: " + ec.message());
                                    self->ready();
                                }));
    }

    void ready() {
        spdlog::debug("irc: connected to {}:{}, registering", options.server, options.port);
        connected = true;
        // A server that takes the connection but never welcomes us (still
        // starting, overloaded) is given up on after a while.
        auto self = shared_from_this();
        uint64_t gen = generation;
        retry_timer.expires_after(std::chrono::seconds(30));
        retry_timer.async_wait(net::bind_executor(strand, [self, gen](boost::system::error_code ec) {
            if (ec || gen != self->generation || self->stopping || self->registered) return;
            self->lost("no welcome (001) within 30 s");
        }));
        nick_attempt = 0;
        control.clear();
        if (!options.password.empty()) control.push_back("PASS " + options.password);
        control.push_back("NICK " + nick_to_try());
        control.push_back("USER " + options.nick + " 0 * :packhost");
        read();
        write();
    }

    template <typename F>
    void on_stream(F&& f) {
        if (options.tls) {
            f(*stream);
        } else {
            f(stream->next_layer());
        }
    }

    void read() {
        auto self = shared_from_this();
        uint64_t gen = generation;
        auto handler = net::bind_executor(strand, [self, gen](boost::system::error_code ec, size_t n) {
            if (gen != self->generation || self->stopping) return;
            if (ec) return self->lost(ec == net::error::eof ? "the server closed the connection" : ec.message());
            std::string line(net::buffers_begin(self->in.data()), net::buffers_begin(self->in.data()) + n);
            self->in.consume(n);
            self->handle(parse_irc_line(line));
            if (self->connected) self->read();
        });
        on_stream([&](auto& s) { net::async_read_until(s, in, '\n', handler); });
    }

    void handle(const IrcLine& l) {
        if (l.command == "PING") {
            control.push_back("PONG :" + (l.params.empty() ? std::string() : l.params.back()));
            write();
        } else if (l.command == "001") {  // RPL_WELCOME: registered
            registered = true;
            backoff = std::chrono::seconds(1);
            {
                std::lock_guard lock(nick_mu);
                accepted_nick = l.params.empty() ? nick_to_try() : l.params[0];
            }
            if (!options.channels.empty()) {
                std::string joined;
                for (const auto& c : options.channels) joined += (joined.empty() ? "" : ",") + c;
                control.push_back("JOIN " + joined);
            }
            spdlog::info("irc: registered on {}:{} as {}", options.server, options.port, nick());
            write();
        } else if ((l.command == "433" || l.command == "436") && !registered) {  // nick taken
            ++nick_attempt;
            control.push_back("NICK " + nick_to_try());
            write();
        } else if (l.command == "PRIVMSG" && l.params.size() >= 2) {
            message(l);
        } else if (l.command == "ERROR") {
            spdlog::warn("irc: the server says: {}", l.params.empty() ? "" : l.params.back());
        }
    }

    void message(const IrcLine& l) {
        std::string me = nick();
        std::string from = l.nick();
        if (from.empty() || from == me) return;
        Message m;
        m.adapter = "irc";
        m.user = from;
        const std::string& target = l.params[0];
        m.text = l.params[1];
        if (!target.empty() && std::string("#&+!").find(target[0]) != std::string::npos) {
            m.channel = target;
            // "packhost: echo hi" / "packhost, echo hi"
            if (!me.empty() && m.text.size() > me.size() && m.text.compare(0, me.size(), me) == 0 &&
                (m.text[me.size()] == ':' || m.text[me.size()] == ',')) {
                m.text = m.text.substr(me.size() + 1);
                m.addressed = true;
            }
        } else {
            m.channel = from;  // a direct message: the reply goes back to the sender
            m.addressed = true;
        }
        core.receive(std::move(m));
    }

    void write() {
        if (writing || !connected) return;
        std::string line;
        if (!control.empty()) {
            line = control.front();
        } else if (registered && !outbox.empty()) {
            auto now = Clock::now();
            double per_second = 1000.0 / static_cast<double>(std::max<int64_t>(1, options.line_interval.count()));
            tokens = std::min(static_cast<double>(options.burst),
                              tokens + std::chrono::duration<double>(now - refilled).count() * per_second);
            refilled = now;
            if (tokens < 1.0) {
                if (pacing) return;
                pacing = true;
                auto self = shared_from_this();
                pace_timer.expires_after(options.line_interval);
                pace_timer.async_wait(net::bind_executor(strand, [self](boost::system::error_code ec) {
                    self->pacing = false;
                    if (!ec && !self->stopping) self->write();
                }));
                return;
            }
            tokens -= 1.0;
            line = outbox.front();
        } else {
            return;
        }
        writing = true;
        auto self = shared_from_this();
        uint64_t gen = generation;
        bool from_control = !control.empty();
        auto buffer = std::make_shared<std::string>(line + "\r\n");
        auto handler =
            net::bind_executor(strand, [self, gen, buffer, from_control](boost::system::error_code ec, size_t) {
                if (gen != self->generation) return;
                self->writing = false;
                if (self->stopping) return;
                if (ec) return self->lost("cannot write: " + ec.message());
                // Taken off its queue once written: a line the connection lost
                // goes out again after the reconnect.
                if (from_control) {
                    self->control.pop_front();
                } else {
                    self->outbox.pop_front();
                }
                self->write();
            });
        on_stream([&](auto& s) { net::async_write(s, net::buffer(*buffer), handler); });
    }

    void close() {
        ++generation;
        connected = false;
        registered = false;
        writing = false;
        control.clear();
        if (stream) {
            boost::system::error_code ignored;
            stream->next_layer().shutdown(tcp::socket::shutdown_both, ignored);
            stream->next_layer().close(ignored);
        }
        std::lock_guard lock(nick_mu);
        accepted_nick.clear();
    }

    void lost(const std::string& why) {
        close();
        if (stopping) return;
        spdlog::warn("irc: {}:{}: {}; connecting again in {} s", options.server, options.port, why, backoff.count());
        retry_timer.expires_after(backoff);
        backoff = std::min(backoff * 2, std::chrono::seconds(60));
        auto self = shared_from_this();
        retry_timer.async_wait(net::bind_executor(strand, [self](boost::system::error_code ec) {
            if (!ec && !self->stopping) self->connect();
        }));
    }
};

IrcAdapter::IrcAdapter(net::io_context& io, ChatCore& core, IrcOptions options)
    : impl_(std::make_shared<Impl>(io, core, std::move(options))) {}

IrcAdapter::~IrcAdapter() { stop(); }

void IrcAdapter::start() {
    net::post(impl_->strand, [impl = impl_] { impl->connect(); });
}

void IrcAdapter::stop() {
    if (stopped_) return;
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    net::post(impl_->strand, [impl = impl_, done] {
        if (!impl->stopping) {
            impl->stopping = true;
            impl->retry_timer.cancel();
            impl->pace_timer.cancel();
            impl->resolver.cancel();
            impl->close();
        }
        done->set_value();
    });
    // The runtime may already be gone (stopped first): then nothing runs.
    if (finished.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        spdlog::warn("irc: the I/O runtime did not run the stop in 5 s");
    }
}

void IrcAdapter::post(const Reply& reply) {
    // Room for "PRIVMSG <channel> :", CRLF and the prefix the server puts in
    // front when it relays the line (":nick!user@host ").
    size_t budget = 512 - 2 - 10 - reply.channel.size() - 100;
    auto lines = irc_lines(reply.text, std::max<size_t>(64, budget));
    net::post(impl_->strand, [impl = impl_, channel = reply.channel, lines = std::move(lines)] {
        if (impl->stopping) return;
        for (const auto& l : lines) impl->outbox.push_back("PRIVMSG " + channel + " :" + l);
        impl->write();
    });
}

std::string IrcAdapter::current_nick() const { return impl_->nick(); }

}  // namespace packhost::chatops::adapters

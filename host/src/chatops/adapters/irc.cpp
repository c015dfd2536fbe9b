#include "chatops/adapters/irc.hpp"

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
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <future>
#include <mutex>

#include "core/log.hpp"

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

    // What is written, under out_mu: the strand writes, and so may the
    // thread that posts a reply (post_now), which spares waking the I/O
    // thread for each reply.
    std::mutex out_mu;
    std::deque<std::string> control;  // registration, PONG, JOIN: first, not paced
    std::deque<std::string> outbox;   // PRIVMSG lines: paced, kept across reconnects
    bool writing = false;
    bool pacing = false;
    double tokens;
    Clock::time_point refilled = Clock::now();
    // The socket, while registered over plain TCP: a reply may be sent on it
    // straight away when nothing is queued or being written.
    int direct_fd = -1;

    // Everything below runs on the strand only.
    bool connected = false;
    bool registered = false;
    std::atomic<bool> stopping{false};
    uint64_t generation = 0;  // of the connection; handlers of an older one do nothing
    int nick_attempt = 0;
    std::chrono::seconds backoff{1};

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
        core::log::debug("irc: connecting to {}:{}", options.server, options.port);
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
        core::log::debug("irc: connected to {}:{}, registering", options.server, options.port);
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
        {
            std::lock_guard lock(out_mu);
            control.clear();
            if (!options.password.empty()) control.push_back("PASS " + options.password);
            control.push_back("NICK " + nick_to_try());
            control.push_back("USER " + options.nick + " 0 * :packhost");
        }
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
            queue_control("PONG :" + (l.params.empty() ? std::string() : l.params.back()));
        } else if (l.command == "001") {  // RPL_WELCOME: registered
            registered = true;
            backoff = std::chrono::seconds(1);
            {
                std::lock_guard lock(nick_mu);
                accepted_nick = l.params.empty() ? nick_to_try() : l.params[0];
            }
            if (!options.tls) {
                std::lock_guard lock(out_mu);
                direct_fd = stream->next_layer().native_handle();
            }
            core::log::info("irc: registered on {}:{} as {}", options.server, options.port, nick());
            if (!options.channels.empty()) {
                std::string joined;
                for (const auto& c : options.channels) joined += (joined.empty() ? "" : ",") + c;
                queue_control("JOIN " + joined);
            } else {
                write();
            }
        } else if ((l.command == "433" || l.command == "436") && !registered) {  // nick taken
            ++nick_attempt;
            queue_control("NICK " + nick_to_try());
        } else if (l.command == "PRIVMSG" && l.params.size() >= 2) {
            message(l);
        } else if (l.command == "ERROR") {
            core::log::warn("irc: the server says: {}", l.params.empty() ? "" : l.params.back());
        }
    }

    void message(const IrcLine& l) {
        std::string me = nick();
        std::string from = l.nick();
        if (from.empty() || from == me) return;
        // CTCP (a request quoted in \x01: ACTION, VERSION, PING) is not chat:
        // "/me !echo hi" is no command, and a client's VERSION query must not
        // be answered with a PRIVMSG.
        if (!l.params[1].empty() && l.params[1][0] == '\x01') return;
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

    void queue_control(std::string line) {
        {
            std::lock_guard lock(out_mu);
            control.push_back(std::move(line));
        }
        write();
    }

    // Under out_mu: flood control's token bucket, refilled for the time
    // passed; takes a token when there is one.
    bool take_token() {
        auto now = Clock::now();
        double per_second = 1000.0 / static_cast<double>(std::max<int64_t>(1, options.line_interval.count()));
        tokens = std::min(static_cast<double>(options.burst),
                          tokens + std::chrono::duration<double>(now - refilled).count() * per_second);
        refilled = now;
        if (tokens < 1.0) return false;
        tokens -= 1.0;
        return true;
    }

    // On the strand: starts writing the next line, if any may go now.
    void write() {
        std::lock_guard lock(out_mu);
        if (writing || !connected) return;
        std::string line;
        bool from_control = !control.empty();
        if (from_control) {
            line = control.front();
        } else if (registered && !outbox.empty()) {
            if (!take_token()) {
                if (pacing) return;
                pacing = true;
                auto self = shared_from_this();
                pace_timer.expires_after(options.line_interval);
                pace_timer.async_wait(net::bind_executor(strand, [self](boost::system::error_code ec) {
                    {
                        std::lock_guard lock(self->out_mu);
                        self->pacing = false;
                    }
                    if (!ec && !self->stopping) self->write();
                }));
                return;
            }
            line = outbox.front();
        } else {
            return;
        }
        writing = true;
        auto self = shared_from_this();
        uint64_t gen = generation;
        auto buffer = std::make_shared<std::string>(line + "\r\n");
        auto handler =
            net::bind_executor(strand, [self, gen, buffer, from_control](boost::system::error_code ec, size_t) {
                if (gen != self->generation) return;
                {
                    std::lock_guard lock(self->out_mu);
                    self->writing = false;
                    if (self->stopping) return;
                    // Taken off its queue once written: a line the connection
                    // lost goes out again after the reconnect.
                    if (!ec) (from_control ? self->control : self->outbox).pop_front();
                }
                if (ec) return self->lost("cannot write: " + ec.message());
                self->write();
            });
        on_stream([&](auto& s) { net::async_write(s, net::buffer(*buffer), handler); });
    }

    // Any thread: sends `lines` at once on the plain socket when nothing is
    // queued, being written or paced (a reply on a quiet channel: no hop to
    // the I/O thread); whatever cannot go now is queued for the strand.
    // Returns false when the strand must be asked to write.
    bool post_now(std::vector<std::string> lines) {
        std::lock_guard lock(out_mu);
        size_t sent = 0;
        if (direct_fd >= 0 && !writing && !pacing && control.empty() && outbox.empty()) {
            while (sent < lines.size() && take_token() && send_all(lines[sent] + "\r\n")) ++sent;
        }
        for (size_t i = sent; i < lines.size(); ++i) outbox.push_back(std::move(lines[i]));
        return sent == lines.size();
    }

    // Under out_mu, with nothing else writing: the whole line or nothing
    // said to have gone (a failed socket is left to the strand's reader,
    // which sees it close and connects again).
    bool send_all(const std::string& data) {
        size_t at = 0;
        while (at < data.size()) {
            ssize_t n = ::send(direct_fd, data.data() + at, data.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                at += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && at > 0) {
                // Half a line is out: the rest must follow before anything else.
                pollfd p{direct_fd, POLLOUT, 0};
                if (::poll(&p, 1, 1000) > 0) continue;
            }
            if (at > 0) tokens = 0;  // a broken line: let the connection settle
            return at == data.size();
        }
        return true;
    }

    void close() {
        ++generation;
        connected = false;
        registered = false;
        {
            std::lock_guard lock(out_mu);
            writing = false;
            control.clear();
            direct_fd = -1;
        }
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
        core::log::warn("irc: {}:{}: {}; connecting again in {} s", options.server, options.port, why, backoff.count());
        retry_timer.expires_after(backoff);
        backoff = std::min(backoff * 2, std::chrono::seconds(60));
        auto self = shared_from_this();
        retry_timer.async_wait(net::bind_executor(strand, [self](boost::system::error_code ec) {
            if (!ec && !self->stopping) self->connect();
        }));
    }
};

IrcAdapter::IrcAdapter(ChatCore& core, IrcOptions options)
    : impl_(std::make_shared<Impl>(io_.io_context(), core, std::move(options))) {}

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
    if (finished.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        core::log::warn("irc: the I/O thread did not run the stop in 5 s");
    }
    io_.stop();
}

void IrcAdapter::post(const Reply& reply) {
    // Room for "PRIVMSG <channel> :", CRLF and the prefix the server puts in
    // front when it relays the line (":nick!user@host ").
    size_t budget = 512 - 2 - 10 - reply.channel.size() - 100;
    std::vector<std::string> lines;
    for (auto& l : irc_lines(reply.text, std::max<size_t>(64, budget))) {
        lines.push_back("PRIVMSG " + reply.channel + " :" + l);
    }
    if (impl_->stopping) return;
    if (impl_->post_now(std::move(lines))) return;
    net::post(impl_->strand, [impl = impl_] {
        if (!impl->stopping) impl->write();
    });
}

std::string IrcAdapter::current_nick() const { return impl_->nick(); }

}  // namespace packhost::chatops::adapters

#pragma once
// A plain IRC client for tests: a second person in the channel. Blocking
// socket, one line at a time; answers the server's PINGs while it waits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace packhost::testing {

class IrcClient {
public:
    IrcClient(uint16_t port, const std::string& nick) : nick_(nick) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
        send("NICK " + nick);
        send("USER " + nick + " 0 * :" + nick);
        if (!wait_for([](const std::string& l) { return l.find(" 001 ") != std::string::npos; }))
            throw std::runtime_error("not registered as " + nick);
    }
    ~IrcClient() {
        send("QUIT :done");
        ::close(fd_);
    }

    void send(const std::string& line) {
        std::string out = line + "\r\n";
        (void)::write(fd_, out.data(), out.size());
    }
    void join(const std::string& channel) {
        send("JOIN " + channel);
        wait_for([](const std::string& l) { return l.find(" 366 ") != std::string::npos; });
    }

    // Reads lines until `want` says yes (true) or `timeout` passes (false).
    // Every line read is kept in lines().
    bool wait_for(const std::function<bool(const std::string&)>& want,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (true) {
            size_t nl;
            while ((nl = buffer_.find("\r\n")) != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 2);
                if (line.rfind("PING", 0) == 0) send("PONG" + line.substr(4));
                lines_.push_back(line);
                if (want(line)) return true;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
            char chunk[4096];
            ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n <= 0) return false;
            buffer_.append(chunk, static_cast<size_t>(n));
        }
    }
    // A PRIVMSG to `target` whose text is `text`.
    bool wait_for_message(const std::string& target, const std::string& text,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::string tail = " PRIVMSG " + target + " :" + text;
        return wait_for(
            [&](const std::string& l) {
                return l.size() >= tail.size() && l.compare(l.size() - tail.size(), tail.size(), tail) == 0;
            },
            timeout);
    }
    const std::vector<std::string>& lines() const { return lines_; }

private:
    std::string nick_;
    int fd_ = -1;
    std::string buffer_;
    std::vector<std::string> lines_;
};

}  // namespace packhost::testing

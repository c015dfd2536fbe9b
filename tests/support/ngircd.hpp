#pragma once
// A real IRC server for tests: Debian's ngircd on 127.0.0.1 and a port of
// its own, started in the foreground with a config written for the test
// (recipe: shared/reference/debian-components.md), stopped with SIGTERM.
// stop() and start() again on the same port play a server that goes away
// and comes back. With `tls`, it also listens with TLS on tls_port(), with a
// certificate made for the test (openssl) for localhost and 127.0.0.1,
// which ca_file() holds.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/free_port.hpp"
#include "support/process.hpp"

namespace packhost::testing {

class Ngircd {
public:
    explicit Ngircd(const std::filesystem::path& dir, bool tls = false) : dir_(dir), port_(free_port()), tls_port_(0) {
        while (tls && (tls_port_ == 0 || tls_port_ == port_)) tls_port_ = free_port();
        std::filesystem::create_directories(dir_);
        std::filesystem::permissions(dir_, std::filesystem::perms::all);  // it drops to nobody when run as root
        if (tls) make_certificate();
        std::ofstream conf(dir_ / "ngircd.conf");
        conf << "[Global]\nName = irc.test.local\nInfo = packhost tests\n"
             << "Listen = 127.0.0.1\nPorts = " << port_ << "\n"
             << "MotdPhrase = \"tests\"\nPidFile = " << (dir_ / "ngircd.pid").string()
             << "\nAdminInfo1 = tests\nAdminInfo2 = tests\nAdminEMail = t@localhost\n"
             << "[Limits]\nMaxConnectionsIP = 0\n"
             << "[Options]\nDNS = no\nIdent = no\nPAM = no\n";
        if (tls) {
            conf << "[SSL]\nCertFile = " << ca_file().string() << "\nKeyFile = " << (dir_ / "key.pem").string()
                 << "\nPorts = " << tls_port_ << "\n";
        }
        conf.close();
        start();
    }
    ~Ngircd() { stop(); }
    Ngircd(const Ngircd&) = delete;
    Ngircd& operator=(const Ngircd&) = delete;

    uint16_t port() const { return port_; }
    uint16_t tls_port() const { return tls_port_; }
    // The self-signed certificate the TLS port presents.
    std::filesystem::path ca_file() const { return dir_ / "cert.pem"; }

    void start() {
        std::string conf = (dir_ / "ngircd.conf").string();
        std::string log = (dir_ / "ngircd.log").string();
        pid_ = start_server({"/usr/sbin/ngircd", "-n", "-f", conf}, {}, log);
        for (int i = 0; i < 250; ++i) {  // until it listens
            int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port_);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            ::close(fd);
            if (up) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("ngircd did not listen on port " + std::to_string(port_));
    }

    void stop() { terminate_server(pid_); }

private:
    void make_certificate() {
        std::string cmd =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
            " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
            (dir_ / "key.pem").string() + "' -out '" + ca_file().string() + "' 2>/dev/null";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot make a certificate with openssl");
        for (const char* f : {"key.pem", "cert.pem"}) {  // ngircd reads them as nobody
            std::filesystem::permissions(dir_ / f,
                                         std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                             std::filesystem::perms::group_read | std::filesystem::perms::others_read);
        }
    }

    std::filesystem::path dir_;
    uint16_t port_;
    uint16_t tls_port_;
    pid_t pid_ = -1;
};

}  // namespace packhost::testing

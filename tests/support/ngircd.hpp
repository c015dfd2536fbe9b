#pragma once
// A real IRC server for tests: Debian's ngircd on 127.0.0.1 and a port of
// its own, started in the foreground with a config written for the test
// (recipe: shared/reference/debian-components.md), stopped with SIGTERM.
// stop() and start() again on the same port play a server that goes away
// and comes back.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/free_port.hpp"

extern char** environ;

namespace packhost::testing {

class Ngircd {
public:
    explicit Ngircd(const std::filesystem::path& dir) : dir_(dir), port_(free_port()) {
        std::filesystem::create_directories(dir_);
        std::filesystem::permissions(dir_, std::filesystem::perms::all);  // it drops to nobody when run as root
        std::ofstream(dir_ / "ngircd.conf") << "[Global]\nName = irc.test.local\nInfo = packhost tests\n"
                                            << "Listen = 127.0.0.1\nPorts = " << port_ << "\n"
                                            << "MotdPhrase = \"tests\"\nPidFile = " << (dir_ / "ngircd.pid").string()
                                            << "\nAdminInfo1 = tests\nAdminInfo2 = tests\nAdminEMail = t@localhost\n"
                                            << "[Limits]\nMaxConnectionsIP = 0\n"
                                            << "[Options]\nDNS = no\nIdent = no\nPAM = no\n";
        start();
    }
    ~Ngircd() { stop(); }
    Ngircd(const Ngircd&) = delete;
    Ngircd& operator=(const Ngircd&) = delete;

    uint16_t port() const { return port_; }

    void start() {
        std::string conf = (dir_ / "ngircd.conf").string();
        std::string log = (dir_ / "ngircd.log").string();
        const char* argv[] = {"/usr/sbin/ngircd", "-n", "-f", conf.c_str(), nullptr};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, const_cast<char* const*>(argv), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) throw std::runtime_error("cannot start /usr/sbin/ngircd (apt-get install ngircd)");
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

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

private:
    std::filesystem::path dir_;
    uint16_t port_;
    pid_t pid_ = -1;
};

}  // namespace packhost::testing

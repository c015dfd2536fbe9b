#include "support/process.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace packhost::testing {

namespace {

// posix_spawn with this process's environment, `env` set over it.
int spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const posix_spawn_file_actions_t* fa, pid_t& pid) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        std::string key = kv.substr(0, kv.find('='));
        if (!env.count(key)) env_strings.push_back(kv);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& s : argv_copy) args.push_back(s.data());
    args.push_back(nullptr);
    return posix_spawn(&pid, args[0], fa, nullptr, args.data(), envp.data());
}

ProcessResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                  const std::string& stdin_text, int signal, const std::function<bool(const ProcessResult&)>& ready) {
    int out_pipe[2], err_pipe[2], in_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(in_pipe, O_CLOEXEC)) {
        throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);

    pid_t pid;
    int rc = spawn(argv, env, &fa, pid);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(in_pipe[0]);
    if (rc != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        close(in_pipe[1]);
        throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
    if (!stdin_text.empty()) {
        // A child that exits before reading (a command refusing its
        // configuration) closes the pipe: the write then fails with EPIPE
        // instead of killing the test with SIGPIPE. Blocked on this thread
        // only (an ignored SIGPIPE would be inherited by later children).
        sigset_t pipe_signal, before;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, &before);
        if (write(in_pipe[1], stdin_text.data(), stdin_text.size()) < 0 && errno == EPIPE) {
            timespec now{};
            sigtimedwait(&pipe_signal, nullptr, &now);  // the pending SIGPIPE, taken
        }
        pthread_sigmask(SIG_SETMASK, &before, nullptr);
    }
    close(in_pipe[1]);

    ProcessResult r;
    bool signaled = signal == 0;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (!signaled && ready(r)) {
            kill(pid, signal);
            signaled = true;
        }
        int n_ready = poll(fds, 2, signaled ? -1 : 20);
        if (n_ready < 0) break;
        if (n_ready == 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& stdin_text, int signal, int signal_after_ms) {
    auto start = std::chrono::steady_clock::now();
    auto due = start + std::chrono::milliseconds(signal_after_ms);
    return run(argv, env, stdin_text, signal,
               [due](const ProcessResult&) { return std::chrono::steady_clock::now() >= due; });
}

ProcessResult run_process_signal_when(const std::vector<std::string>& argv,
                                      const std::map<std::string, std::string>& env, int signal,
                                      const std::function<bool(const ProcessResult&)>& ready) {
    return run(argv, env, "", signal, ready);
}

pid_t start_server(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                   const std::string& log_file) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = -1;
    int rc = spawn(argv, env, &fa, pid);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

}  // namespace packhost::testing

#include "actions/runners/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/clock.hpp"
#include "store/store.hpp"

extern char** environ;

namespace packhost::actions {
namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd) {
            if (f >= 0) ::close(f);
        }
    }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Appends to a capped buffer; the first overflow adds the marker once.
void keep(std::string& buf, std::string_view data, size_t cap, bool& cut) {
    if (cut) return;
    if (buf.size() + data.size() <= cap) {
        buf.append(data);
        return;
    }
    buf.append(data.substr(0, cap - buf.size()));
    buf += "\n[packhost: output cut at " + std::to_string(cap) + " bytes]\n";
    cut = true;
}

std::atomic<size_t> g_output_cap{4u << 20};

}  // namespace

bool end_process_group(const std::string& identity, std::chrono::milliseconds grace) {
    if (identity.empty() || !store::owner_alive(identity)) return false;
    pid_t pgid = static_cast<pid_t>(std::strtol(identity.c_str(), nullptr, 10));
    if (pgid <= 1) return false;
    ::kill(-pgid, SIGTERM);
    auto until = std::chrono::steady_clock::now() + grace;
    while (store::owner_alive(identity) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pgid, SIGKILL);  // whatever of the group is left
    return true;
}

void set_output_cap(size_t bytes) { g_output_cap.store(bytes > 0 ? bytes : 1); }
size_t output_cap() { return g_output_cap.load(); }

std::map<std::string, std::string> current_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        size_t eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return env;
}

ProcessOutcome run_process(const ProcessSpec& spec, Invocation& inv, const ProcessLimits& limits) {
    ProcessOutcome out;
    if (!spec.cwd.empty()) {
        // posix_spawn would only say ENOENT, as if the program were missing.
        struct stat st {};
        if (::stat(spec.cwd.c_str(), &st) != 0) {
            out.spawn_error = "the working directory " + spec.cwd + " does not exist";
            return out;
        }
        if (!S_ISDIR(st.st_mode)) {
            out.spawn_error = "the working directory " + spec.cwd + " is not a directory";
            return out;
        }
    }
    Pipe o, e;
    if (::pipe2(o.fd, O_CLOEXEC) != 0 || ::pipe2(e.fd, O_CLOEXEC) != 0) {
        out.spawn_error = std::string("cannot create pipes: ") + std::strerror(errno);
        return out;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, o.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, e.fd[1], 2);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, spec.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);  // a group of its own: one kill reaches every descendant
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> env_strings;
    for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close_fd(o.fd[1]);
    close_fd(e.fd[1]);
    if (rc != 0) {
        out.spawn_error = "cannot start " + spec.argv[0] + ": " + std::strerror(rc);
        return out;
    }
    inv.started_process(pid);

    int64_t started = core::monotonic_ns();
    int64_t deadline = limits.timeout.count() > 0 ? started + std::chrono::nanoseconds(limits.timeout).count() : 0;
    int64_t kill_at = 0;  // when SIGKILL follows the SIGTERM
    bool exited = false, term_sent = false, cut_out = false, cut_err = false;
    int status = 0;
    int64_t drain_until = 0;  // after exit, how long grandchildren holding the pipes are waited for
    char buf[65536];
    while (o.fd[0] >= 0 || e.fd[0] >= 0) {
        pollfd fds[2] = {{o.fd[0], POLLIN, 0}, {e.fd[0], POLLIN, 0}};
        ::poll(fds, 2, 50);
        for (int i = 0; i < 2; ++i) {
            int& fd = i == 0 ? o.fd[0] : e.fd[0];
            if (fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n > 0) {
                std::string_view chunk(buf, static_cast<size_t>(n));
                inv.append_output(i == 0 ? OutputStream::out : OutputStream::err, chunk);
                if (i == 0)
                    keep(out.stdout_text, chunk, limits.output_cap, cut_out);
                else
                    keep(out.stderr_text, chunk, limits.output_cap, cut_err);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close_fd(fd);
            }
        }
        int64_t now = core::monotonic_ns();
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            drain_until = now + 200'000'000;
        }
        if (exited) {
            // The child is gone; a background grandchild may keep the pipes
            // open forever, so stop reading shortly after.
            if (now >= drain_until) break;
            continue;
        }
        bool time_up = (deadline != 0 && now >= deadline) || (inv.deadline_ns() != 0 && now >= inv.deadline_ns());
        bool cancel = inv.stop_requested();
        if (!term_sent && (time_up || cancel)) {
            out.timed_out = time_up;
            out.canceled = cancel && !time_up;
            ::kill(-pid, SIGTERM);
            term_sent = true;
            kill_at = now + std::chrono::nanoseconds(limits.kill_grace).count();
        } else if (term_sent && now >= kill_at) {
            ::kill(-pid, SIGKILL);  // ignores SIGTERM: not our problem any more
            kill_at = now + 1'000'000'000;
        }
    }
    if (!exited) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (term_sent) ::kill(-pid, SIGKILL);  // whatever of the group is left
    out.return_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return out;
}

namespace {

// StackStorm's strip_shell_chars: the one line end a command's output
// finishes with is not part of the result ("hi\n" is "hi").
std::string without_last_line_end(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

}  // namespace

RunOutcome shell_outcome(const ProcessOutcome& p) {
    if (!p.spawn_error.empty()) {
        return {RunOutcome::Kind::failed, Json{{"error", p.spawn_error},
                                               {"succeeded", false},
                                               {"failed", true},
                                               {"return_code", -1},
                                               {"stdout", ""},
                                               {"stderr", ""}}};
    }
    bool ok = p.return_code == 0 && !p.timed_out && !p.canceled;
    Json result{{"succeeded", ok},
                {"failed", !ok},
                {"return_code", p.return_code},
                {"stdout", without_last_line_end(p.stdout_text)},
                {"stderr", without_last_line_end(p.stderr_text)}};
    if (p.timed_out) {
        result["error"] = "execution timed out";
        return {RunOutcome::Kind::timeout, result};
    }
    if (p.canceled) {
        result["error"] = "execution was canceled";
        return {RunOutcome::Kind::canceled, result};
    }
    return {ok ? RunOutcome::Kind::succeeded : RunOutcome::Kind::failed, result};
}

}  // namespace packhost::actions

#pragma once
// Runs a real process for end-to-end tests: argv, environment additions,
// captured stdout/stderr and exit status.
#include <signal.h>
#include <sys/wait.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace packhost::testing {

struct ProcessResult {
    int exit_code = -1;  // 128+signal when killed by a signal
    std::string out;
    std::string err;
};

// `signal_after`: when nonzero, send `signal` to the process after that
// many milliseconds (to test Ctrl-C handling).
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& stdin_text = "", int signal = 0, int signal_after_ms = 0);

// Sends `signal` once `ready` says so: asked with the output so far whenever
// some arrives, and every 20 ms. For "kill it once it has got this far",
// which a fixed delay cannot say on a loaded machine.
ProcessResult run_process_signal_when(const std::vector<std::string>& argv,
                                      const std::map<std::string, std::string>& env, int signal,
                                      const std::function<bool(const ProcessResult&)>& ready);

// Starts a server in the background (this environment with `env` over it,
// its output appended to `log_file`); throws when it cannot be started.
pid_t start_server(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                   const std::string& log_file);

// Ends a server a test started in the background (SIGTERM, then waits for
// it); `pid` is -1 afterwards. Nothing when it is not running.
inline void terminate_server(pid_t& pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
}

}  // namespace packhost::testing

#pragma once
// Running a child process for an execution: posix_spawn (never fork from a
// large host) into a process group of its own, stdout/stderr read as they
// come and streamed to the execution's output, capped with a visible marker,
// and on timeout or cancel the whole group terminated (SIGTERM, then
// SIGKILL), so no orphan survives.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "actions/action.hpp"

namespace packhost::actions {

struct ProcessSpec {
    std::vector<std::string> argv;           // argv[0] is a path
    std::map<std::string, std::string> env;  // the complete environment
    std::string cwd;                         // empty: inherit
};

// How much of each stream a result keeps (the rest is still read, and
// dropped after a marker). Set once at start; default 4 MiB.
void set_output_cap(size_t bytes);
size_t output_cap();

struct ProcessLimits {
    std::chrono::milliseconds timeout{0};        // 0: none besides the execution's own deadline
    size_t output_cap = actions::output_cap();   // per stream, kept in the result
    std::chrono::milliseconds kill_grace{2000};  // SIGTERM -> SIGKILL
};

struct ProcessOutcome {
    int return_code = -1;  // exit status, or -signal when killed by one
    bool timed_out = false;
    bool canceled = false;
    std::string stdout_text, stderr_text;  // capped, with the marker when cut
    std::string spawn_error;               // set when the process never started
};

ProcessOutcome run_process(const ProcessSpec& spec, Invocation& invocation, const ProcessLimits& limits);

// Ends the process group whose leader is `identity` ("pid:start", as
// recorded for an execution): SIGTERM, then SIGKILL after `grace`. Only when
// that very process still runs (a reused pid is left alone); returns whether
// it did.
bool end_process_group(const std::string& identity, std::chrono::milliseconds grace);

// This process's environment as a map (the base a runner adds to).
std::map<std::string, std::string> current_environment();

// StackStorm's result for shell runners: {succeeded, failed, return_code,
// stdout, stderr}, with the kind of outcome it is.
RunOutcome shell_outcome(const ProcessOutcome& p);

}  // namespace packhost::actions

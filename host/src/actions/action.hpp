#pragma once
// What an action is to the host, and the seam between "how an action runs"
// (a Runner: native, shell, http, workflow...) and "the execution it runs
// for" (an Invocation, implemented by the executions module).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "core/json_value.hpp"
#include "actions/parameters.hpp"
#include "core/json_schema.hpp"
#include "core/status.hpp"

namespace packhost::actions {

enum class OutputStream { out, err };

class Orchestration;

// The running execution, as a runner sees it. Thread-safe where noted.
class Invocation {
public:
    virtual ~Invocation() = default;
    virtual const std::string& execution_id() const = 0;
    // The validated, completed parameters.
    virtual const Json& parameters() const = 0;
    // CLOCK_MONOTONIC nanoseconds; 0 = no deadline.
    virtual int64_t deadline_ns() const = 0;
    // Any thread. True once cancel was requested or the deadline passed.
    virtual bool stop_requested() const = 0;
    // Any thread.
    virtual void append_output(OutputStream stream, std::string_view chunk) = 0;
    // Any thread. per10000: 0..10000.
    virtual void report_progress(uint32_t per10000, std::string_view message) = 0;
    // StackStorm's action_context as JSON text.
    virtual const std::string& context_json() const = 0;
    // Who the execution runs for (action_context.user).
    virtual const std::string& user() const = 0;
    // The pack's configuration as JSON text, rendered for this execution.
    virtual const std::string& config_json() const = 0;
    // What the host offers runners that run other actions (workflows);
    // nullptr where it offers nothing.
    virtual Orchestration* orchestration() const { return nullptr; }
    // A runner started process `pid` as the leader of a process group of
    // its own; recorded, so that if the host dies the next one can end it.
    virtual void started_process(long /*pid*/) {}
};

// A run that goes on after Runner::run returned (a workflow waiting for its
// tasks). The host keeps it until the run is finished through
// Orchestration::finish, and forwards cancel, pause and resume to it. Each
// is called once per request, on any thread, and must not block.
class DeferredRun {
public:
    virtual ~DeferredRun() = default;
    virtual void cancel() = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
};

struct RunOutcome {
    enum class Kind { succeeded, failed, canceled, timeout, deferred };
    RunOutcome() = default;
    RunOutcome(Kind k, Json r) : kind(k), result(std::move(r)) {}
    static RunOutcome defer(std::shared_ptr<DeferredRun> run) {
        RunOutcome o(Kind::deferred, nullptr);
        o.deferred = std::move(run);
        return o;
    }

    Kind kind = Kind::succeeded;
    Json result;                            // the result; on failure {"error": "...", ...}
    std::shared_ptr<DeferredRun> deferred;  // with Kind::deferred
};

// A child execution as its parent sees it end.
struct ChildEnd {
    std::string id;
    core::Status status = core::Status::failed;  // a completed status
    Json result;
};

// Workflow state as recorded: the workflow's own part (seq -1) and one part
// per task (seq >= 0), each replaced as a whole when it changes.
struct StatePart {
    int64_t seq = -1;
    std::string state;  // JSON text: built once, stored as it is
};

// How far one workflow may go before it is failed: a loop with no way out
// must end with a clear message, not fill the memory or the disk.
struct WorkflowLimits {
    size_t max_tasks = 50000;                    // task runs (each loop iteration, retry run)
    size_t max_state_bytes = size_t{256} << 20;  // state recorded for the run
};

// The host's side of running other actions. Thread-safe.
class Orchestration {
public:
    virtual ~Orchestration() = default;
    virtual const WorkflowLimits& workflow_limits() const = 0;
    // Starts `action` as a child of `parent` with `parameters` (templates
    // in them are rendered as for any request) and `context` merged into
    // its action_context. `on_end` is called once when the child ends, on
    // whichever thread ends it; never from inside start_child. Throws
    // core::NotFound or core::ValidationError, and then nothing started.
    virtual std::string start_child(const Invocation& parent, const std::string& action, Json parameters, Json context,
                                    std::function<void(ChildEnd)> on_end) = 0;
    // Asks a child to stop (no effect once it ended).
    virtual void cancel_child(const std::string& id) = 0;
    // Calls `fn` on another thread after `delay`.
    virtual void after(std::chrono::nanoseconds delay, std::function<void()> fn) = 0;
    // A deferred run reached paused (true) or running again (false).
    virtual void paused(const Invocation& run, bool is_paused) = 0;
    // Ends a deferred run. The outcome's kind decides the status.
    virtual void finish(const Invocation& run, RunOutcome outcome) = 0;

    // Recording, so that a run can go on in another process after this one
    // ended (Runner::resume). Writes are queued and kept in order.
    virtual void record_state(const Invocation& run, StatePart part) = 0;
    virtual std::vector<StatePart> recorded_state(const std::string& execution_id) = 0;
    // Records a child the run had started but that left no record of its
    // own (its process ended first) as abandoned, so that the tree shows it.
    virtual void record_lost_child(const Invocation& parent, const std::string& id, const std::string& action,
                                   Json context, Json result) = 0;
    // Children of an execution as recorded, ended or not, oldest first.
    struct RecordedChild {
        ChildEnd end;
        Json context;  // its action_context
        bool ended = false;
        bool started = false;  // it reached running
    };
    virtual std::vector<RecordedChild> recorded_children(const std::string& execution_id) = 0;

    // StackStorm's st2kv() in workflow expressions: the datastore value of
    // `name` in `scope` ("system", or "user": the run's user's) as stored,
    // a secret opened when `decrypt`; nullopt when there is no such key.
    // Throws std::runtime_error when the host keeps no datastore or a
    // secret cannot be opened.
    virtual std::optional<std::string> datastore_value(const Invocation& run, const std::string& scope,
                                                       const std::string& name, bool decrypt);
};

// What a runner type can do, so the scheduler, the host and the CLI decide
// by capability, not by comparing runner names.
struct RunnerCapabilities {
    bool in_process = false;        // runs on a worker thread of the host (native, noop, http)
    bool spawns_processes = false;  // starts a process group per execution (shell, script)
    bool workflow = false;          // runs other actions as its children
    bool pausable = false;          // takes pause and resume
    // Can be continued from what it recorded after its process ended
    // (Runner::resume), so an orphan is kept for that instead of abandoned.
    bool resumable = false;
};

struct Action;

class Runner {
public:
    virtual ~Runner() = default;
    // Called on a worker thread. Must not throw: a failure is an outcome.
    virtual RunOutcome run(const Action& action, Invocation& invocation) const = 0;
    // Takes over an execution a process that ended left unfinished, from
    // what it recorded. Runners that record nothing cannot.
    virtual RunOutcome resume(const Action& action, Invocation& invocation) const;
};

struct Action {
    std::string ref;  // "<pack>.<name>"
    std::string pack;
    std::string name;
    std::string description;
    std::string runner_type;  // "native", "local-shell-cmd", "orquesta", ...
    RunnerCapabilities capabilities;
    ParameterSpec parameters;
    core::JsonSchema output;  // may be empty
    Json output_schema;       // as declared (null when none)
    bool reentrant = false;
    bool enabled = true;  // a disabled action is listed but refuses to run
    std::shared_ptr<const Runner> runner;
    // How long this action's in-process runs have taken lately (ns, a moving
    // average; -1 before the first): what lets a caller about to wait for a
    // quick one run it on its own thread (executions::Request::inline_if_quick).
    struct RunTimes {
        std::atomic<int64_t> typical_ns{-1};
    };
    std::shared_ptr<RunTimes> run_times = std::make_shared<RunTimes>();
    // The pack's configuration (config_context), and the same as JSON text
    // for native actions, computed once per pack. A configuration holding
    // templates is rendered, and its text made, per execution instead.
    std::shared_ptr<const Json> config;
    std::shared_ptr<const std::string> config_text;
    bool config_templated = false;

    Json to_json() const;
};

}  // namespace packhost::actions

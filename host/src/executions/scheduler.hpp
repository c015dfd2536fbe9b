#pragma once
// Takes execution requests, validates them, runs them on the worker pool and
// drives each through its lifecycle: requested -> scheduled -> running ->
// succeeded | failed | timeout | canceled.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/json_value.hpp"
#include "actions/registry.hpp"
#include "expr/template.hpp"
#include "store/datastore.hpp"
#include "executions/deadline_watch.hpp"
#include "executions/execution.hpp"
#include "executions/history.hpp"
#include "executions/worker_pool.hpp"

namespace packhost::executions {

struct Request {
    std::string action;  // ref
    Json parameters = Json::object();
    double timeout_seconds = 0;  // 0 = none
    // Merged into the execution's context (StackStorm's action_context).
    Json context = Json::object();
    // Accepted only once its `requested` record is on disk: submit() waits
    // for that commit (shared with concurrent submits) before anything runs,
    // and throws store::StoreError when it cannot be written. What people
    // and other programs submit (the CLI, later the API) asks for this; a
    // workflow's tasks need not, their workflow records them.
    bool durable = false;
    // Called once when the execution ends, on the thread that ends it, right
    // after its final record is queued for the store (not yet committed),
    // or before its records are saved (by a worker, afterwards) when it runs
    // on the caller's thread (inline_if_quick): for callers that answer
    // someone (chat) without waiting on the store.
    std::function<void(const Execution&)> on_end = nullptr;
    // The caller waits for the end (chat): an in-process action whose runs
    // lately took under SchedulerOptions::inline_below is run on the caller's thread instead of
    // a worker's, sparing the wake of a sleeping worker (on a virtual
    // machine's idle CPU, a good part of a chat reply's time). A run that
    // turns out slow makes the next ones go to the workers again.
    bool inline_if_quick = false;
};

struct SchedulerOptions {
    size_t workers = 0;  // 0 = one per CPU
    size_t keep_finished = 10000;
    // How long an in-process action may ignore a cancel or a passed deadline
    // before its execution is closed without it.
    std::chrono::milliseconds stop_grace{2000};
    // What "quick" means for Request::inline_if_quick: runs that lately
    // took less than this (a moving average per action).
    std::chrono::nanoseconds inline_below{200000};
    std::string user = "packhost";
    // Where records go (nullptr: memory only) and the key that seals secret
    // parameters in them. Both outlive the scheduler.
    store::Store* store = nullptr;
    const core::SecretBox* secrets = nullptr;
    store::Datastore* datastore = nullptr;  // st2kv in parameter templates
    actions::WorkflowLimits workflow_limits;
};

class Scheduler final : public actions::Orchestration {
public:
    Scheduler(const actions::Registry& registry, SchedulerOptions options);
    ~Scheduler() override;
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Validates and queues. Throws core::NotFound for an unknown action and
    // core::ValidationError for bad parameters (nothing is recorded then),
    // store::StoreError for a durable request the store cannot record (it
    // is then closed as failed and never runs).
    std::shared_ptr<Execution> submit(Request request);

    // The same without waiting for a durable request's record: `accepted`
    // gets the execution once its record is on disk (it then runs), or the
    // store's error (it is then closed as failed and never runs). Called on
    // the store's writer thread, or on this one when there is nothing to
    // wait for; must be quick. A request refused before anything is
    // recorded throws, as from submit().
    using Accepted = std::function<void(const std::shared_ptr<Execution>&, std::exception_ptr)>;
    void submit(Request request, Accepted accepted);

    std::shared_ptr<Execution> find(const std::string& id) const { return history_.find(id); }
    std::vector<std::shared_ptr<Execution>> recent(size_t limit) const { return history_.recent(limit); }
    // Top-level executions still running here (what a graceful stop drains).
    size_t unfinished() const { return history_.unfinished_top_level(); }
    // Closes every unfinished top-level execution as abandoned with
    // `reason` (asking each to stop), except those `keep` keeps (workflows
    // another start continues); returns how many. What a stop does once the
    // drain has run out.
    size_t abandon_unfinished(const std::string& reason, const std::function<bool(const Execution&)>& keep);

    // Cooperative: a queued execution ends canceled at once, a running one
    // is asked to stop. False when it had already finished. Throws
    // core::NotFound for an unknown id.
    bool cancel(const std::string& id);

    // Workflows only (their runners run deferred): running -> pausing ->
    // paused once no task runs, and paused -> resuming -> running. False
    // when the execution is not in a status that allows it. Throws
    // core::NotFound for an unknown id, core::ValidationError for an
    // execution that is not a workflow.
    bool pause(const std::string& id);
    bool resume(const std::string& id);

    // Takes over an execution an ended process left unfinished (its record,
    // already claimed for this process) and has its runner continue it.
    // Throws core::NotFound when its action is not registered any more.
    std::shared_ptr<Execution> continue_orphan(const store::ExecutionRecord& record);

    // actions::Orchestration
    const actions::WorkflowLimits& workflow_limits() const override { return options_.workflow_limits; }
    std::string start_child(const actions::Invocation& parent, const std::string& action, Json parameters, Json context,
                            std::function<void(actions::ChildEnd)> on_end) override;
    void cancel_child(const std::string& id) override;
    void after(std::chrono::nanoseconds delay, std::function<void()> fn) override;
    void paused(const actions::Invocation& run, bool is_paused) override;
    void finish(const actions::Invocation& run, actions::RunOutcome outcome) override;
    void record_state(const actions::Invocation& run, actions::StatePart part) override;
    std::vector<actions::StatePart> recorded_state(const std::string& execution_id) override;
    std::vector<RecordedChild> recorded_children(const std::string& execution_id) override;
    std::optional<std::string> datastore_value(const actions::Invocation& run, const std::string& scope,
                                               const std::string& name, bool decrypt) override;
    void record_lost_child(const actions::Invocation& parent, const std::string& id, const std::string& action,
                           Json context, Json result) override;

    // Stops the workers, cancels what never started, and returns how many
    // workers had to be abandoned inside an action that would not stop.
    size_t shutdown();

private:
    struct Lane;
    std::shared_ptr<Execution> prepare(Request request);
    void launch(const std::shared_ptr<Execution>& e, bool durable = false, bool may_run_here = false);
    // launch() in three steps: into the history and recorded (the store's
    // ticket, 0 when not recorded); refused when its record cannot be
    // written; handed to the workers.
    uint64_t admit(const std::shared_ptr<Execution>& e);
    void refuse(Execution& e, const std::exception_ptr& error);
    // On this thread when run_here, else on a worker's.
    void start_running(const std::shared_ptr<Execution>& e, bool run_here = false);
    // An in-process, reentrant action whose runs lately took under
    // SchedulerOptions::inline_below.
    bool quick(const actions::Action& action) const;
    void execute(std::shared_ptr<Execution> e);
    void run(const std::shared_ptr<Execution>& e);
    // Turns a runner's outcome into the execution's terminal status.
    void conclude(Execution& e, actions::RunOutcome outcome);
    void on_deadline(const std::weak_ptr<Execution>& weak);
    // Terminal transition, recorded in the store when it happens.
    bool close(Execution& e, Status status, Json result, std::optional<Status> only_from = std::nullopt);
    // The records a quick run on its caller's thread held back (defer_records), once.
    void save_deferred_records(Execution& e);
    // Waits for a record before a child execution starts a process; false
    // (with the failure in outcome) when the store cannot write it.
    bool durable_before_spawn(const Execution& e, uint64_t ticket, actions::RunOutcome& outcome);
    // Queues the execution's record; returns the store's ticket (0: no store).
    uint64_t record(const Execution& e);
    void close_if_stuck(const std::weak_ptr<Execution>& weak, Status status, const char* why);
    std::shared_ptr<Lane> lane(const std::string& ref);
    // A workflow's execution and its deferred run (both null when it has
    // none now); throws for an unknown id or an execution no workflow.
    std::pair<std::shared_ptr<Execution>, std::shared_ptr<actions::DeferredRun>> workflow_run(const std::string& id,
                                                                                              const char* verb);

    const actions::Registry& registry_;
    SchedulerOptions options_;
    History history_;
    expr::TemplateCache templates_;
    DeadlineWatch deadlines_;
    std::mutex lanes_mu_;
    std::unordered_map<std::string, std::shared_ptr<Lane>> lanes_;
    WorkerPool pool_;  // last: its threads use everything above
    std::atomic<bool> shut_down_{false};
    size_t abandoned_ = 0;
    // Durable submissions whose record the store has not yet committed:
    // shutdown() waits for them before it stops the workers.
    std::mutex accepting_mu_;
    std::condition_variable accepting_cv_;
    size_t accepting_ = 0;
};

// The execution behind an invocation the scheduler handed to a runner.
Execution& as_execution(const actions::Invocation& invocation);

}  // namespace packhost::executions

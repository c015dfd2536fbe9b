#pragma once
// One run of an Orquesta workflow: a state machine driven by events (its
// tasks' child executions ending, timers, cancel/pause/resume). Events are
// handled one at a time by whichever thread posts when none is handling, so
// the state needs no lock and no thread waits for a task.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actions/action.hpp"
#include "expr/context.hpp"
#include "workflows/event_queue.hpp"
#include "workflows/orquesta/spec.hpp"

namespace packhost::workflows::orquesta {

class Run final : public actions::DeferredRun, public std::enable_shared_from_this<Run> {
public:
    // `invocation` is the workflow's execution; it outlives the run until
    // the run finishes it.
    Run(std::shared_ptr<const Workflow> workflow, actions::Invocation& invocation, expr::TemplateCache& cache);

    void start();    // a new run
    void restore();  // go on from what an ended process recorded

    void cancel() override;
    void pause() override;
    void resume() override;

private:
    enum class State { waiting, delayed, running, succeeded, failed };
    // A context: what a task's expressions see as ctx(). Immutable, shared
    // by every task that sees it, and recorded once (as what changed from
    // the context it came from), so a transition writes only its change.
    struct Ctx {
        int64_t id = -1;
        std::shared_ptr<const Json> value = std::make_shared<const Json>(Json::object());
    };
    struct TaskRun {
        int64_t seq = 0;
        size_t task = 0;
        Ctx ctx;
        State state = State::waiting;
        int arrivals = 0;
        int attempts = 0;  // retries used
        Json result;
        std::string error;
        // The contexts this run's end merged into the workflow's output
        // (when it ended a branch), and in which order among branch ends.
        std::vector<int64_t> ends;
        int64_t end_order = -1;
        // with items
        bool has_items = false;
        Json items;
        std::vector<size_t> todo;  // items to start, in order
        size_t cursor = 0;         // next in todo
        size_t ended_items = 0, failed_items = 0;
        size_t concurrency = 0;  // 0: unbounded
        std::vector<Json> item_results;
        size_t in_flight = 0;
        std::unordered_map<std::string, size_t> children;  // child id -> item (or 0)
        std::string recorded_child;  // after a restart: the child it had been given
    };
    struct Event {
        enum class Kind { start, restore, child_end, timer, cancel, pause, resume };
        Event() = default;
        explicit Event(Kind k, int64_t s = -1, int a = 0) : kind(k), seq(s), attempt(a) {}
        Kind kind = Kind::start;
        int64_t seq = -1;
        int attempt = 0;
        size_t item = 0;
        actions::ChildEnd end;
    };

    void post(Event event);
    void handle(Event& event);

    void begin();
    void reload();
    void arrive(size_t task, const Ctx& ctx);
    void launch(TaskRun& t);
    bool prepare_items(TaskRun& t);
    void items_progress(TaskRun& t);
    void start_child(TaskRun& t, size_t item, const Json* item_value);
    void child_ended(TaskRun& t, size_t item, const actions::ChildEnd& end);
    void task_ended(TaskRun& t);
    void transitions(TaskRun& t);
    void fail_workflow(const std::string& task, const std::string& message);
    void check_done();
    void finish();
    void after(double seconds, int64_t seq, int attempt);
    // Drops finished runs a later run of the same task replaced: a loop
    // keeps one run per task in memory, not one per iteration.
    void forget_superseded();

    // Expression evaluation against one task's view.
    Json eval(const Json& value, const TaskRun* t, const Json& ctx, const Json* item = nullptr);
    std::string state_name(State s) const;

    // Recording. Parts: -1 the workflow's own (small), >= 0 one per task
    // run, <= -2 one per context (-2 - its id), each written once.
    Ctx new_context(Json value, Json change);
    Ctx materialise(int64_t id, const std::map<int64_t, Json>& recorded, std::map<int64_t, Ctx>& memo);
    std::string task_record(const TaskRun& t) const;
    std::string workflow_record() const;
    void record(TaskRun& t);
    void record_workflow();
    void write(int64_t key, std::string text);

    std::shared_ptr<const Workflow> wf_;
    actions::Invocation& inv_;
    actions::Orchestration& orch_;
    expr::TemplateCache& cache_;
    const actions::WorkflowLimits limits_;

    EventQueue<Event> events_;

    // Touched only by the thread handling events.
    std::map<int64_t, TaskRun> runs_;  // by seq
    std::unordered_map<std::string, int64_t> latest_;  // task name -> latest seq
    std::vector<int64_t> superseded_;                  // runs to forget after this event
    int64_t next_seq_ = 0;
    int64_t next_ctx_ = 0;
    int64_t next_end_ = 0;
    size_t state_bytes_ = 0;  // recorded so far
    Json final_ctx_ = Json::object();
    Json errors_ = Json::array();
    std::vector<int64_t> parked_;  // launches held while paused
    size_t in_flight_ = 0;         // children running
    size_t timers_ = 0;            // delays pending
    bool failing_ = false, canceling_ = false, paused_ = false, reported_paused_ = false, finished_ = false;

    // What expressions see (ctx(), result(), item(), ...), set per evaluation.
    struct Scope {
        const Json* ctx = nullptr;
        const TaskRun* task = nullptr;
        const Json* item = nullptr;
    } scope_;
    expr::Context context_;
};

}  // namespace packhost::workflows::orquesta

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
    struct TaskRun {
        int64_t seq = 0;
        size_t task = 0;
        // Its context: shared with the task it came from until either publishes.
        std::shared_ptr<const Json> ctx = std::make_shared<const Json>(Json::object());
        State state = State::waiting;
        int arrivals = 0;
        int attempts = 0;  // retries used
        Json result;
        std::string error;
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
    void arrive(size_t task, std::shared_ptr<const Json> ctx);
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

    // Expression evaluation against one task's view.
    Json eval(const Json& value, const TaskRun* t, const Json& ctx, const Json* item = nullptr);
    std::string state_name(State s) const;
    std::string task_record(const TaskRun& t) const;
    std::string workflow_record() const;
    void record(TaskRun& t);
    void record_workflow();

    std::shared_ptr<const Workflow> wf_;
    actions::Invocation& inv_;
    actions::Orchestration& orch_;
    expr::TemplateCache& cache_;

    EventQueue<Event> events_;

    // Touched only by the thread handling events.
    std::map<int64_t, TaskRun> runs_;  // by seq
    std::unordered_map<std::string, int64_t> latest_;  // task name -> latest seq
    int64_t next_seq_ = 0;
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

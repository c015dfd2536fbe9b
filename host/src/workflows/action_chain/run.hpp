#pragma once
// One run of an action chain: one task at a time, driven by its child
// executions ending (the same event loop as an Orquesta run, much smaller).
#include <memory>
#include <string>

#include "actions/action.hpp"
#include "workflows/action_chain/spec.hpp"
#include "workflows/event_queue.hpp"

namespace packhost::workflows::action_chain {

class Run final : public actions::DeferredRun, public std::enable_shared_from_this<Run> {
public:
    Run(std::shared_ptr<const Chain> chain, actions::Invocation& invocation, expr::TemplateCache& cache);

    void start();
    void restore();
    void cancel() override;
    void pause() override;
    void resume() override;

private:
    struct Event {
        enum class Kind { start, restore, child_end, cancel, pause, resume };
        Kind kind = Kind::start;
        int64_t step = -1;
        actions::ChildEnd end;
    };
    void post(Event event);
    void handle(Event& event);
    void begin();
    void reload();
    void run_task(size_t task);
    void task_ended(const actions::ChildEnd& end);
    void go_on(size_t task, bool ok);
    void finish(const std::string& error = "");
    void record_step();
    void record_chain();
    // Parts: -2 the parameters and vars (once), -1 the chain's own, >= 0 one per step.
    void write(int64_t key, std::string text);

    std::shared_ptr<const Chain> chain_;
    actions::Invocation& inv_;
    actions::Orchestration& orch_;
    expr::TemplateCache& cache_;
    const actions::WorkflowLimits limits_;

    EventQueue<Event> events_;

    // Touched only by the thread handling events.
    Json scope_ = Json::object();      // parameters, vars, published, results by task name, __results
    Json base_ = Json::object();       // parameters, vars, published: what a restart needs besides the steps
    Json published_ = Json::object();
    Json steps_ = Json::array();       // the result's "tasks"
    int64_t step_ = -1;                // the running step (index in steps_), -1: none
    std::string child_;                // its child execution
    std::string pending_;              // the task to run once resumed
    bool any_failed_ = false, canceling_ = false, paused_ = false, finished_ = false, over_limit_ = false;
    std::string last_error_;
    size_t state_bytes_ = 0;  // recorded so far
};

}  // namespace packhost::workflows::action_chain

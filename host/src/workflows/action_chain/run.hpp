#pragma once
// One run of an action chain: one task at a time, driven by its child
// executions ending (the event loop every workflow runtime shares).
#include <memory>
#include <string>

#include "expr/template.hpp"
#include "workflows/action_chain/spec.hpp"
#include "workflows/workflow_run.hpp"

namespace packhost::workflows::action_chain {

class Run final : public WorkflowRun {
public:
    Run(std::shared_ptr<const Chain> chain, actions::Invocation& invocation, expr::TemplateCache& cache);

private:
    void on_start() override;
    void on_restore() override;
    void on_child_end(const Key& key, const actions::ChildEnd& end) override;
    void on_timer(const Key&) override {}
    void on_cancel() override;
    void on_pause() override;
    void on_resume() override;
    void on_error(const std::string& message) override;
    void run_task(size_t task);
    void task_ended(const actions::ChildEnd& end);
    void go_on(size_t task, bool ok);
    void end_chain(const std::string& error = "");
    void record_step();
    void record_chain();
    // Parts: -2 the parameters and vars (once), -1 the chain's own, >= 0 one per step.
    void record(int64_t key, std::string text);

    std::shared_ptr<const Chain> chain_;
    expr::TemplateCache& cache_;

    // Touched only by the thread handling events.
    Json scope_ = Json::object();  // parameters, vars, published, results by task name, __results
    Json base_ = Json::object();   // parameters, vars, published: what a restart needs besides the steps
    Json published_ = Json::object();
    Json steps_ = Json::array();  // the result's "tasks"
    int64_t step_ = -1;           // the running step (index in steps_), -1: none
    std::string child_;           // its child execution
    std::string pending_;         // the task to run once resumed
    bool any_failed_ = false, canceling_ = false, paused_ = false, over_limit_ = false;
    std::string last_error_;
};

}  // namespace packhost::workflows::action_chain

#pragma once
// One run of an Orquesta workflow: the runtime around the conductor, doing
// what StackStorm's workflow engine does with it. It starts the actions of
// the tasks the conductor hands out (after their delay), tells the
// conductor how they end, forwards cancel, pause and resume, records the
// parts of the state each event changed, and finishes the execution once
// the conductor says the workflow completed and no task of it still runs.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "workflows/orquesta/conductor.hpp"
#include "workflows/orquesta/spec.hpp"
#include "workflows/workflow_run.hpp"

namespace packhost::workflows::orquesta {

class Run final : public WorkflowRun {
public:
    Run(std::shared_ptr<const Workflow> workflow, actions::Invocation& invocation, expr::TemplateCache& cache);

private:
    // What a child (or a delayed start) runs for.
    struct Target {
        std::string task;
        int route = 0;
        std::optional<size_t> item;
    };
    using KeyTuple = std::tuple<int64_t, int64_t, int64_t>;

    void on_start() override;
    void on_restore() override;
    void on_child_end(const Key& key, const actions::ChildEnd& end) override;
    void on_timer(const Key& key) override;
    void on_cancel() override;
    void on_pause() override;
    void on_resume() override;
    void on_error(const std::string& message) override;
    void after_event() override;

    // What the conductor's expressions may read through the host (st2kv()).
    HostLookups lookups();
    // StackStorm's request_next_tasks: marks what the conductor hands out
    // as running, then starts it; again while tasks complete at once.
    void request_next_tasks();
    void request_task(const TaskRequest& task);
    void start_action(const std::string& task, int route, const ActionRequest& action, double delay);
    void launch(const Target& target, const ActionRequest& action);
    // Tells the conductor how a child ended.
    void ended(const Target& target, const actions::ChildEnd& end);
    Key key_of(const std::string& task, int route, std::optional<size_t> item) const;
    Json child_context(const std::string& task, int route, const Key& key) const;
    void fail(const std::string& message);
    void record();
    void conclude();

    std::shared_ptr<const Workflow> workflow_;
    expr::TemplateCache& cache_;
    std::unique_ptr<Conductor> conductor_;

    // Touched only by the thread handling events.
    std::unordered_map<std::string, Target> children_;              // running now, by execution id
    std::map<KeyTuple, std::pair<Target, ActionRequest>> delayed_;  // starts waiting for their delay
    std::map<std::pair<std::string, int>, Json> item_results_;      // with items: a list, by task and route
    bool reported_paused_ = false;
    bool over_limit_ = false;
};

}  // namespace packhost::workflows::orquesta

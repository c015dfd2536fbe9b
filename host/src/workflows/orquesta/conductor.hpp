#pragma once
// Orquesta's workflow conductor (conducting.py): the workflow's graph and
// state, events in, decisions out. It renders input and vars, hands out the
// tasks to run next (get_next_tasks), takes what happened to them
// (update_task_state), takes requests to pause, resume, cancel or fail
// (request_workflow_status) and renders the output. It starts nothing,
// waits for nothing, reads no clock and stores nothing: the runtime
// (run.hpp) executes what it decides and records the parts it changed.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/context.hpp"
#include "expr/template.hpp"
#include "workflows/orquesta/events.hpp"
#include "workflows/orquesta/graph.hpp"
#include "workflows/orquesta/state.hpp"

namespace packhost::workflows::orquesta {

// One action execution a task asks for.
struct ActionRequest {
    std::string action;  // empty: the task has no action and succeeds by itself
    Json input;
    std::optional<size_t> item;  // with items: which item
};

// A task to run next, rendered.
struct TaskRequest {
    std::string id;
    int route = 0;
    std::vector<ActionRequest> actions;  // with items: those the concurrency lets start now
    std::optional<double> delay;         // seconds before the actions start
    std::optional<size_t> items_count;   // with items: how many in all
    std::optional<int64_t> concurrency;
};

// What the runtime lends the conductor's expressions, which cannot reach
// anything themselves: StackStorm's st2kv() reads the datastore through it
// (scope "system" or "user"; nullopt: no such key; throws when it cannot read).
struct HostLookups {
    std::function<std::optional<std::string>(const std::string& scope, const std::string& name, bool decrypt)>
        datastore_value;
};

class Conductor {
public:
    // A new run: renders the input (`inputs` over the defaults) and vars on
    // top of `context` (what StackStorm puts under ctx().st2 and parent),
    // then stages the start tasks. Errors in input or vars fail the workflow
    // (status failed, errors() says why).
    Conductor(std::shared_ptr<const Graph> graph, expr::TemplateCache& cache, const Json& inputs, Json context,
              HostLookups host = {});
    // Goes on from a state restored from its recorded parts.
    Conductor(std::shared_ptr<const Graph> graph, expr::TemplateCache& cache, WorkflowState state,
              HostLookups host = {});

    Conductor(const Conductor&) = delete;
    Conductor& operator=(const Conductor&) = delete;

    Status workflow_status() const { return state_.status(); }
    // Running, pausing, paused, resuming, canceled, failed... as Orquesta
    // moves the workflow and its active tasks. Throws std::logic_error when
    // the workflow cannot take the request (pausing a completed one).
    void request_workflow_status(Status status);

    // The tasks staged and ready, rendered (action, input, items, delay).
    // A task that does not render fails the workflow (and is logged); then
    // nothing is returned. Remediation tasks (next to a `fail`) still are.
    std::vector<TaskRequest> get_next_tasks();

    // What happened to a task (or one of its items) on a route.
    void update_task_state(const std::string& task_id, int route, const Event& event);

    // Renders the output once the workflow completed (also when it failed).
    void render_workflow_output();
    const std::optional<Json>& output() const { return state_.output(); }
    // Orquesta's error log: {type, message, task_id, route, task_transition_id, result}.
    const Json& errors() const { return state_.errors(); }
    void log_error(const std::string& message, const std::string& task_id = "", std::optional<int> route = std::nullopt,
                   const std::string& transition_id = "");

    // The runtime's notes: which execution runs a task (recorded with its
    // state), and what the state does not record but the executions do,
    // once a run is restored: a completed task's result, and which items
    // of a with-items task had started.
    void note_child(const std::string& task_id, int route, const std::string& child);
    void note_result(size_t sequence_index, Json result);
    void note_item_started(const std::string& task_id, int route, size_t item);

    // Renders a task that was handed out but whose action never started
    // (its process ended first), to start it again.
    TaskRequest render_task(const std::string& task_id, int route);

    const WorkflowState& state() const { return state_; }
    const Graph& graph() const { return *graph_; }
    std::vector<actions::StatePart> take_changes() { return state_.take_changes(); }

    // ctx() of a task on a route (staged or run), as its expressions see it.
    Json task_context(const std::string& task_id, int route);
    // What the workflow's output is rendered over: the contexts of its
    // terminal tasks merged.
    Json terminal_context();

private:
    enum class Inbound { satisfied, wip, not_satisfied };
    // What an expression sees.
    struct Scope {
        const Json* ctx = nullptr;
        const std::string* task = nullptr;
        int route = 0;
        const Json* result = nullptr;  // set once the task completed
        const Json* item = nullptr;
    };
    // Items of a staged task, rendered once for its context.
    struct RenderedItems {
        std::vector<ActionRequest> actions;
        std::optional<int64_t> concurrency;
        std::optional<double> delay;
    };

    void define_functions(HostLookups host);
    Json evaluate(const Json& value, const Scope& scope);
    bool evaluate_criteria(const std::string& expression, const Scope& scope);

    // Contexts.
    Json context_value(int64_t id);
    // The same without copying when nothing was published (`storage` holds it otherwise).
    const Json& context_ref(int64_t id, Json& storage);
    std::shared_ptr<const Json> changes_of(int64_t id);  // merged changes, the initial context left out

    TaskRequest get_task(const StagedTask& staged);
    RenderedItems render_items(const Task& task, const Scope& scope);
    size_t add_task_state(const std::string& task_id, int route, int64_t ctx, const Backrefs& prev);
    void setup_retry(TaskState& entry, int64_t ctx);
    bool evaluate_task_retry(size_t entry, const Scope& scope);
    int evaluate_route(const Edge& edge, int prev_route);
    Inbound inbound_criteria(size_t node, int route);
    bool has_next_tasks(const std::string& task_id, int route);
    bool has_staged_tasks() const;
    bool has_active_tasks() const;
    Status status_of(const std::string& task_id, int route) const;  // task_status(), with earlier routes

    // The two state machines, with the context Orquesta adds to the events.
    void task_machine(size_t entry, const Event& event);
    void task_machine_workflow_event(size_t entry, Status requested);
    void workflow_machine_task_event(const std::string& task_id, int route, Status task_status);
    void workflow_machine_workflow_event(Status requested);
    void fail_unreachable_barriers();

    std::shared_ptr<const Graph> graph_;
    expr::TemplateCache& cache_;
    WorkflowState state_;
    expr::Context functions_;
    Scope scope_;
    std::unordered_map<int64_t, RenderedItems> rendered_items_;  // by staged uid
    std::map<std::pair<std::string, int>, Json> results_;        // the latest result of each task, by task and route
    std::unordered_map<int64_t, std::shared_ptr<const Json>> changes_;  // memo of changes_of
    std::deque<int64_t> changes_order_;
};

}  // namespace packhost::workflows::orquesta

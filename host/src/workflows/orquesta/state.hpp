#pragma once
// The state of one workflow run, laid out as Orquesta's WorkflowState:
// contexts, routes, the sequence of task states (one per task run), the
// staged tasks (reached, waiting to start) and the workflow's status, plus
// the errors. Every change is remembered, so a run records only what an
// event changed (take_changes) and a new process restores it from those
// parts (restore); with-items item statuses excepted (see StagedTask).
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <map>
#include <set>
#include <string_view>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actions/action.hpp"
#include "core/json_value.hpp"
#include "workflows/orquesta/statuses.hpp"

namespace packhost::workflows::orquesta {

// What ctx() sees is a list of changes merged in order. Orquesta keeps a
// list of context indices per task; here a context extends another one, so
// a loop of n iterations holds n small nodes rather than n lists of up to
// n indices. The first context (id 0) is the workflow's initial one.
struct ContextNode {
    int64_t base = -1;   // the context this one extends (-1: none, the initial context)
    int64_t merge = -1;  // a join: the arriving branch's context, merged without the initial one
    Json set;            // what it sets: published values (all of it for the initial context)
};

// A task's retry once it started: count and delay evaluated.
struct RetryState {
    std::optional<std::string> when;
    int64_t count = 0;
    double delay = 0;
    int64_t tally = 0;  // retries so far
    bool operator==(const RetryState&) const = default;
};

using Backrefs = std::vector<std::pair<std::string, size_t>>;  // "<task>__t<key>" -> sequence index

// One run of a task (Orquesta's task state entry).
struct TaskState {
    std::string id;
    int route = 0;
    int64_t ctx = 0;  // the context it started with
    Backrefs prev;
    std::vector<std::pair<std::string, bool>> next;  // transition id -> criteria met
    Status status = Status::unset;
    bool term = false;
    std::optional<RetryState> retry;
    std::string child;  // the runtime's note: the execution running its current attempt
};

// A task reached by a transition (or a start task), until it runs.
struct StagedTask {
    int64_t uid = -1;  // names its items while it is staged (given with them)
    std::string id;
    int route = 0;
    int64_t ctx = 0;
    Backrefs prev;
    bool ready = false;
    // With items: each item's status. Not recorded: how each item went is in
    // the executions it ran, from which a restarted run rebuilds them.
    std::optional<std::vector<Status>> items;
    std::optional<RetryState> retry;
    bool run_on_fail = false;
    bool completed = false;

    // Derived from the items, kept by WorkflowState (never recorded): how
    // many are in each status, and where the first not started may be.
    std::array<size_t, 16> item_counts{};
    size_t first_unset = 0;
    size_t items_in(Status s) const { return item_counts[static_cast<size_t>(s)]; }
};

class WorkflowState {
public:
    Status status() const { return status_; }
    void set_status(Status s);

    // Contexts: added, never changed.
    int64_t add_context(ContextNode node);
    const ContextNode& context(int64_t id) const { return contexts_.at(static_cast<size_t>(id)); }
    size_t context_count() const { return contexts_.size(); }

    const std::vector<std::vector<std::string>>& routes() const { return routes_; }
    int add_route(std::vector<std::string> route);

    // The sequence of task states, oldest first.
    const std::vector<TaskState>& sequence() const { return sequence_; }
    size_t add_task(TaskState task);
    // For any change but the status (set_task_status keeps the counts).
    TaskState& edit_task(size_t index);
    void set_task_status(size_t index, Status s);
    // The latest task state of a task on a route.
    std::optional<size_t> latest(std::string_view id, int route) const;
    bool is_latest(size_t index) const;
    // How many latest task states are in a status.
    size_t count_latest(Status s) const { return latest_counts_[static_cast<size_t>(s)]; }

    const std::vector<StagedTask>& staged() const { return staged_; }
    StagedTask& add_staged(StagedTask task);
    const StagedTask* find_staged(const std::string& id, int route) const;
    StagedTask* edit_staged(const std::string& id, int route);
    // Removes it unless some of its items are still active.
    void remove_staged(const std::string& id, int route);
    // Gives a staged task its items, all not started (and a uid to name them by).
    void init_items(StagedTask& task, size_t count);
    void set_item(StagedTask& task, size_t item, Status status);
    // Drops a staged task's items (it is reached again); their next uid
    // leaves the recorded parts of these behind.
    void reset_items(StagedTask& task);

    const Json& errors() const { return errors_; }
    void add_error(Json entry);  // ignored when the same entry is there

    const std::optional<Json>& output() const { return output_; }
    void set_output(Json output);

    // Every part changed since the last call, as JSON text, keyed as
    // restore() reads them.
    std::vector<actions::StatePart> take_changes();
    // From recorded parts; throws std::runtime_error when they do not make a state.
    static WorkflowState restore(const std::vector<actions::StatePart>& parts);
    // True when `parts` hold a state this version can restore (the format
    // it records); false for an empty record.
    static bool recorded(const std::vector<actions::StatePart>& parts);

    // Orquesta's layout as one JSON document (for tests and inspection).
    Json serialize() const;

private:
    void count(size_t index, int delta);
    // The head as last written, to write it only when it changed.
    bool head_as_written() const;
    void remember_head();

    Status status_ = Status::unset;
    std::deque<ContextNode> contexts_;  // a deque: adding one keeps references to the others
    std::vector<std::vector<std::string>> routes_;
    std::vector<TaskState> sequence_;
    // Task and route -> its latest sequence index; found by string_view
    // (looked up several times per transition: hashed, not ordered).
    struct KeyHash {
        using is_transparent = void;
        template <typename K>
        size_t operator()(const K& k) const {
            return std::hash<std::string_view>{}(std::string_view(k.first)) * 31 + static_cast<size_t>(k.second);
        }
    };
    struct KeyEqual {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const {
            return a.second == b.second && std::string_view(a.first) == std::string_view(b.first);
        }
    };
    std::unordered_map<std::pair<std::string, int>, size_t, KeyHash, KeyEqual> latest_;
    std::array<size_t, 16> latest_counts_{};
    std::vector<StagedTask> staged_;
    int64_t next_uid_ = 0;
    Json errors_ = Json::array();
    std::optional<Json> output_;

    // Not yet taken.
    bool head_changed_ = true;
    struct WrittenStaged {
        int64_t uid;
        std::string id;
        int route;
        int64_t ctx;
        Backrefs prev;
        bool ready;
        size_t items;
        std::optional<RetryState> retry;
        bool run_on_fail, completed;
    };
    struct {
        bool written = false;
        Status status = Status::unset;
        size_t routes = 0;
        int64_t next_uid = 0;
        bool output = false;
        std::vector<WrittenStaged> staged;
    } written_head_;
    size_t contexts_taken_ = 0, errors_taken_ = 0;
    std::set<size_t> tasks_changed_;
};

}  // namespace packhost::workflows::orquesta

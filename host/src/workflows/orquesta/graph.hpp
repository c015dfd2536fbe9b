#pragma once
// The workflow graph Orquesta's composer builds from a definition: tasks
// reachable from the start tasks as nodes, every `do` target of every
// transition as an edge, the engine commands continue, fail and noop as
// nodes of their own (a transition without `do` goes to continue), joins
// as barriers. Built once per definition and shared by every run.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "workflows/orquesta/spec.hpp"

namespace packhost::workflows::orquesta {

// A task's retry, from `retry:` or from `do: retry` (three times, when the
// transition's condition holds, or on completion). Count and delay are
// numbers or expressions evaluated when the task starts.
struct RetrySpec {
    std::optional<std::string> when;  // none: when the task failed
    Json count;
    Json delay;  // null: none
};

struct Edge {
    size_t from = 0, to = 0;              // nodes
    int key = 0;                          // the nth edge from `from` to `to`
    size_t ref = 0;                       // index of the transition in from's `next`
    std::optional<std::string> criteria;  // `when`
    std::string id;                       // "<to>__t<key>": how the task state's `next` names it
    std::string backref;                  // "<from>__t<key>": how the next task's `prev` and routes name it
};

struct Node {
    std::string id;
    const Task* task = nullptr;  // null: an engine command
    int barrier = 0;             // 0: none; -1: all inbound tasks ("*"); N
    bool split = false;          // Orquesta's is_split_task: no join, several transitions lead here
    bool in_cycle = false;
    std::optional<RetrySpec> retry;
    std::vector<size_t> out;  // edges leaving, ordered by target id
    std::vector<size_t> in;   // edges arriving
};

class Graph {
public:
    // `workflow` owns the graph (Workflow::graph) and outlives it.
    static std::shared_ptr<const Graph> compose(const Workflow& workflow);

    const Workflow& workflow() const { return *workflow_; }
    const std::vector<Node>& nodes() const { return nodes_; }
    const Node& node(size_t i) const { return nodes_[i]; }
    const Edge& edge(size_t i) const { return edges_[i]; }
    std::optional<size_t> find(std::string_view id) const;
    const Node& at(std::string_view id) const;  // throws std::out_of_range
    // Nodes without inbound edges, by id.
    const std::vector<size_t>& roots() const { return roots_; }
    const std::vector<size_t>& barriers() const { return barriers_; }

private:
    const Workflow* workflow_ = nullptr;
    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
    // Looked up by name several times per transition.
    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> by_id_;
    std::vector<size_t> roots_;
    std::vector<size_t> barriers_;
};

}  // namespace packhost::workflows::orquesta

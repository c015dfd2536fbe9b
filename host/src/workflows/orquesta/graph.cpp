#include "workflows/orquesta/graph.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <tuple>

namespace packhost::workflows::orquesta {
namespace {

struct NextTask {
    std::string name;
    std::optional<std::string> condition;
    size_t ref;
};

// A task's transition targets as Orquesta lists them: by target name (in
// transition order for the same name), a transition without `do` going to
// continue.
std::vector<NextTask> next_tasks(const Task* task) {
    std::vector<NextTask> out;
    if (!task) return out;
    for (size_t i = 0; i < task->next.size(); ++i) {
        const auto& tr = task->next[i];
        if (tr.next.empty()) {
            out.push_back({"continue", tr.when, i});
            continue;
        }
        for (const auto& name : tr.next) out.push_back({name, tr.when, i});
    }
    std::stable_sort(out.begin(), out.end(), [](const NextTask& a, const NextTask& b) { return a.name < b.name; });
    return out;
}

// `retry` with no condition retries on completion, as Orquesta's composer writes it.
constexpr const char* kRetryOnCompletion = "{{ completed() }}";

}  // namespace

std::optional<size_t> Graph::find(std::string_view id) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
}

const Node& Graph::at(std::string_view id) const {
    auto i = find(id);
    if (!i) throw std::out_of_range("task '" + std::string(id) + "' is not in the workflow graph");
    return nodes_[*i];
}

std::shared_ptr<const Graph> Graph::compose(const Workflow& workflow) {
    auto g = std::make_shared<Graph>();
    g->workflow_ = &workflow;
    const Workflow& wf = *g->workflow_;

    // How many transitions name each task, over the whole definition.
    std::map<std::string, size_t> mentions;
    for (const auto& t : wf.tasks) {
        for (const auto& n : next_tasks(&t)) ++mentions[n.name];
    }

    auto node_for = [&](const std::string& name) -> size_t {
        if (auto it = g->by_id_.find(name); it != g->by_id_.end()) return it->second;
        Node n;
        n.id = name;
        n.task = wf.find(name);
        if (n.task) {
            n.barrier = n.task->join;
            if (n.task->retry) n.retry = RetrySpec{n.task->retry->when, n.task->retry->count, n.task->retry->delay};
        }
        n.split = n.barrier == 0 && mentions[name] > 1;
        g->by_id_[name] = g->nodes_.size();
        g->nodes_.push_back(std::move(n));
        return g->nodes_.size() - 1;
    };

    std::vector<std::string> start;
    for (const auto& t : wf.tasks) {
        if (mentions[t.name] == 0) start.push_back(t.name);
    }
    std::sort(start.begin(), start.end());
    std::deque<size_t> todo;
    std::vector<bool> done;
    for (const auto& name : start) todo.push_back(node_for(name));
    while (!todo.empty()) {
        size_t from = todo.front();
        todo.pop_front();
        done.resize(g->nodes_.size(), false);
        if (done[from]) continue;
        done[from] = true;
        for (const auto& n : next_tasks(g->nodes_[from].task)) {
            if (n.name == "retry") {
                g->nodes_[from].retry = RetrySpec{
                    n.condition ? n.condition : std::optional<std::string>(kRetryOnCompletion), Json(3), Json(nullptr)};
                continue;
            }
            if (!wf.find(n.name) && !is_command(n.name)) continue;  // refused when the definition was checked
            size_t to = node_for(n.name);
            done.resize(g->nodes_.size(), false);
            if (!done[to]) todo.push_back(to);
            int key = 0;
            bool exists = false;
            for (size_t e : g->nodes_[from].out) {
                const Edge& edge = g->edges_[e];
                if (edge.to != to) continue;
                ++key;
                if (edge.ref == n.ref && edge.criteria == n.condition) exists = true;
            }
            if (exists) continue;
            Edge edge;
            edge.from = from;
            edge.to = to;
            edge.key = key;
            edge.ref = n.ref;
            edge.criteria = n.condition;
            edge.id = n.name + "__t" + std::to_string(key);
            edge.backref = g->nodes_[from].id + "__t" + std::to_string(key);
            g->nodes_[from].out.push_back(g->edges_.size());
            g->nodes_[to].in.push_back(g->edges_.size());
            g->edges_.push_back(std::move(edge));
        }
    }
    for (auto& node : g->nodes_) {
        std::stable_sort(node.out.begin(), node.out.end(), [&](size_t a, size_t b) {
            return g->nodes_[g->edges_[a].to].id < g->nodes_[g->edges_[b].to].id;
        });
    }
    for (size_t i = 0; i < g->nodes_.size(); ++i) {
        if (g->nodes_[i].in.empty()) g->roots_.push_back(i);
        if (g->nodes_[i].barrier != 0) g->barriers_.push_back(i);
    }
    std::sort(g->roots_.begin(), g->roots_.end(),
              [&](size_t a, size_t b) { return g->nodes_[a].id < g->nodes_[b].id; });

    // A node is in a cycle when its strongly connected component has more
    // than one node, or it has an edge to itself (Tarjan's algorithm).
    size_t n = g->nodes_.size();
    std::vector<int> index(n, -1), low(n, 0);
    std::vector<bool> on(n, false);
    std::vector<size_t> stack;
    int counter = 0;
    std::function<void(size_t)> visit = [&](size_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on[v] = true;
        for (size_t e : g->nodes_[v].out) {
            size_t w = g->edges_[e].to;
            if (w == v) g->nodes_[v].in_cycle = true;
            if (index[w] < 0) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (on[w]) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] != index[v]) return;
        std::vector<size_t> members;
        while (true) {
            size_t w = stack.back();
            stack.pop_back();
            on[w] = false;
            members.push_back(w);
            if (w == v) break;
        }
        if (members.size() > 1) {
            for (size_t m : members) g->nodes_[m].in_cycle = true;
        }
    };
    for (size_t v = 0; v < n; ++v) {
        if (index[v] < 0) visit(v);
    }
    return g;
}

}  // namespace packhost::workflows::orquesta

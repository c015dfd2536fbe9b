#pragma once
// An Orquesta workflow definition (version 1.0), parsed and checked once:
// its tasks, transitions and expressions, with the lines they came from.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expr/template.hpp"
#include "workflows/problems.hpp"

namespace packhost::workflows::orquesta {

class Graph;

struct Transition {
    size_t line = 0;
    std::optional<std::string> when;                    // a template; absent: taken on completion
    std::vector<std::pair<std::string, Json>> publish;  // in order
    std::vector<std::string> next;                      // task names and commands
};

struct Retry {
    std::optional<std::string> when;  // default: the task failed
    Json count;                       // integer or template
    Json delay = 0;                   // seconds, number or template
};

struct Task {
    std::string name;
    size_t line = 0;
    std::string action;  // ref; empty: a task that only transitions
    size_t action_line = 0;
    Json input = Json::object();  // inline input first, then `input`
    std::vector<Transition> next;
    // 0: no join; -1: all inbound tasks; N: that many arrivals.
    int join = 0;
    std::optional<std::string> items;     // template yielding the list
    std::vector<std::string> item_names;  // `x in ...`, `a, b in zip(...)`
    Json concurrency;                     // null: unbounded
    std::optional<Retry> retry;
    Json delay;  // null: none
};

struct Workflow {
    std::string file;
    std::string description;
    std::vector<std::pair<std::string, std::optional<Json>>> input;  // name, default
    std::vector<std::pair<std::string, Json>> vars;
    std::vector<std::pair<std::string, Json>> output;
    std::vector<Task> tasks;
    std::map<std::string, size_t, std::less<>> by_name;
    std::vector<size_t> start;    // tasks without inbound transitions
    std::vector<size_t> inbound;  // per task: how many tasks transition to it

    // Composed from the tasks once the definition has no problems.
    std::shared_ptr<const Graph> graph;

    const Task* find(std::string_view name) const {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : &tasks[it->second];
    }
};

bool is_command(std::string_view name);  // continue, fail, noop, retry

// Parses and checks `file`, adding every problem found (the YAML itself,
// structure, names, expressions, reachability, cycles without a way out).
// Returns the workflow even when there are problems, as far as it got.
std::shared_ptr<const Workflow> parse(const std::filesystem::path& file, Problems& problems,
                                      expr::TemplateCache& cache);

}  // namespace packhost::workflows::orquesta

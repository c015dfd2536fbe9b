#pragma once
// A workflow's executions as a tree: each child with the task it ran for,
// and its own children (nested workflows), from the store.
#include <ostream>
#include <string>

#include "actions/runner_registry.hpp"
#include "core/json_value.hpp"
#include "store/store.hpp"

namespace packhost::cli {

// [{"id", "task", "action", "status", "elapsed_seconds", "children": [...]}],
// oldest first; empty for an execution without children.
// Only executions whose runner runs children (workflows) are looked into.
Json execution_tree(store::Store& store, const actions::RunnerRegistry& runners, const std::string& id);

// The tree as indented lines under a "tasks:" heading; nothing when empty.
void print_execution_tree(std::ostream& out, const Json& tree);

}  // namespace packhost::cli

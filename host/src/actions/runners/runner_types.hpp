#pragma once
// The runner types an action's metadata may name (runner_type), each with
// StackStorm's runner parameters and a factory for its Runner.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>


#include "core/json.hpp"
#include "actions/action.hpp"

namespace packhost::actions {

// Where a YAML-defined action comes from, for runners that need files.
struct ActionSource {
    std::string pack;
    std::filesystem::path pack_dir;
    std::filesystem::path entry_point;  // resolved inside the pack (runners that need one)
};

struct RunnerType {
    std::string name;
    // StackStorm-style parameter map: name -> {type, default, description, ...}.
    Json parameters;
    bool needs_entry_point = false;
    std::function<std::shared_ptr<const Runner>(const ActionSource&)> make;
};

// orquesta and action-chain: runners whose executions are workflows (they
// pause, resume, and are continued after their process ended).
bool is_workflow_runner_type(const std::string& name);

// nullptr for an unknown name.
const RunnerType* find_runner_type(const std::string& name);
std::vector<std::string> runner_type_names();

}  // namespace packhost::actions

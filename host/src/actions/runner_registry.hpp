#pragma once
// The runner types an action may name (`runner_type`), registered at
// start-up by the modules that implement them — the actions module its own
// (native, local-shell-cmd, local-shell-script, http-request, noop), the
// workflows module orquesta and action-chain, the executions module
// run-action and execution-get, the events module announcement — each with StackStorm's
// runner parameters and what it can do, so that nothing below decides by
// comparing runner names.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actions/action.hpp"
#include "core/json_value.hpp"

namespace packhost::actions {

// Where a YAML-defined action comes from, for runners that need files.
struct ActionSource {
    std::string pack;
    std::filesystem::path pack_dir;
    std::filesystem::path entry_point;  // resolved inside the pack (runners that need one)
    // The entry point was checked when the pack index was written and has
    // not changed since: a runner may leave parsing it to its first run.
    bool checked_before = false;
};

struct RunnerType {
    std::string name;
    // StackStorm-style parameter map: name -> {type, default, description, ...}.
    Json parameters = Json::object();
    bool needs_entry_point = false;
    RunnerCapabilities capabilities;
    // Builds the runner of one YAML-defined action; null for runners whose
    // actions come from elsewhere (native: a pack's library).
    std::function<std::shared_ptr<const Runner>(const ActionSource&)> make;
    // Its actions take parameters they do not declare (core.run passes them
    // on to the action it runs) instead of refusing them.
    bool takes_undeclared_parameters = false;
};

class RunnerRegistry {
public:
    // Throws std::invalid_argument for a name registered twice.
    void add(RunnerType type);
    // nullptr for an unknown name.
    const RunnerType* find(std::string_view name) const;
    // What an execution recorded with `name` can do (nothing, for a name
    // this host does not know).
    RunnerCapabilities capabilities(std::string_view name) const;
    // The names a YAML action may use, in registration order.
    std::vector<std::string> yaml_names() const;
    // The names of the runner types that can do what `has` asks.
    std::vector<std::string> names_with(const std::function<bool(const RunnerCapabilities&)>& has) const;

private:
    std::vector<RunnerType> types_;
};

// native, local-shell-cmd, local-shell-script, http-request, noop.
void register_action_runners(RunnerRegistry& registry);

}  // namespace packhost::actions

#pragma once
// Actions a pack describes in YAML (actions/*.yaml, read by the catalog),
// StackStorm's metadata format: name, runner_type, entry_point,
// description, enabled, parameters.
#include <memory>
#include <vector>

#include "actions/action.hpp"
#include "packs/catalog.hpp"

namespace packhost::actions {

// Throws std::invalid_argument("<file>: <field>: problem") for an
// unusable file: unknown runner type, missing entry point, a parameter
// overriding what StackStorm does not allow.
class RunnerRegistry;
std::shared_ptr<const Action> load_yaml_action(const packs::LoadedPack& pack, const packs::ActionFile& file,
                                               const RunnerRegistry& runners);

}  // namespace packhost::actions

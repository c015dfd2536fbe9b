#pragma once
// Registers the workflow runner types, orquesta and action-chain, with
// the host's runner registry: the workflows module adds itself from above
// (actions knows nothing of workflows).
#include "actions/runner_registry.hpp"

namespace packhost::workflows {

void register_workflow_runners(actions::RunnerRegistry& registry);

}  // namespace packhost::workflows

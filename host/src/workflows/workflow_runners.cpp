#include "workflows/workflow_runners.hpp"

#include "workflows/action_chain/run.hpp"
#include "workflows/definition_runner.hpp"
#include "workflows/orquesta/run.hpp"

namespace packhost::workflows {
namespace {

using OrquestaRunner = DefinitionRunner<orquesta::Workflow, orquesta::Run, orquesta::parse>;
using ActionChainRunner = DefinitionRunner<action_chain::Chain, action_chain::Run, action_chain::parse>;

}  // namespace

void register_workflow_runners(actions::RunnerRegistry& registry) {
    actions::RunnerCapabilities workflow;
    workflow.workflow = true;
    workflow.pausable = true;
    workflow.resumable = true;
    // The definition is parsed and checked when the pack loads (or first
    // runs, when the pack index vouches for it).
    registry.add({"orquesta", Json::object(), true, workflow,
                  [](const actions::ActionSource& s) -> std::shared_ptr<const actions::Runner> {
                      return std::make_shared<OrquestaRunner>(s.entry_point, s.checked_before);
                  }});
    registry.add({"action-chain", Json::object(), true, workflow,
                  [](const actions::ActionSource& s) -> std::shared_ptr<const actions::Runner> {
                      return std::make_shared<ActionChainRunner>(s.entry_point, s.checked_before);
                  }});
}

}  // namespace packhost::workflows

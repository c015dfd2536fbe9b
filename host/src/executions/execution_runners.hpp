#pragma once
// Runner types that work on executions themselves, registered by the host
// (they need its control service) for the core pack's chat commands:
//   run-action     runs the action its `ref` parameter names, with the rest
//                  of its parameters, as its child, and ends as that child
//                  ends, with its result (core.run; `!run REF k=v` in chat);
//   execution-get  the record of the execution its `id` parameter names, as
//                  `packhost execution get --json` shows it
//                  (core.execution_get; `!execution get ID` in chat).
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actions/runner_registry.hpp"
#include "core/json_value.hpp"

namespace packhost::executions {

struct ExecutionRunnerLookups {
    // The execution `id` as shown (record_view), nullopt when there is none.
    std::function<std::optional<Json>(const std::string& id)> execution;
    // The action `ref`, null when there is none: run-action casts the text
    // values it was given (chat's k=v, the CLI's) by that action's types.
    std::function<std::shared_ptr<const actions::Action>(const std::string& ref)> action;
};

void register_execution_runners(actions::RunnerRegistry& registry, ExecutionRunnerLookups lookups);

}  // namespace packhost::executions

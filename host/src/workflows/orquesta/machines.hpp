#pragma once
// Orquesta's two state machines (machines.py) as data: the status a task or
// the workflow moves to on an event, found by the event's full name, which
// carries what the conductor knew when it happened
// ("action_succeeded_task_dormant_items_completed",
// "task_remediated_workflow_active_incomplete"). The conductor composes the
// names; these tables only answer.
#include <optional>
#include <string_view>

#include "workflows/orquesta/statuses.hpp"

namespace packhost::workflows::orquesta {

// nullopt: the event does not move a task in `current` (no change).
std::optional<Status> next_task_status(Status current, std::string_view event);
// nullopt: the event does not move the workflow in `current`.
std::optional<Status> next_workflow_status(Status current, std::string_view event);

}  // namespace packhost::workflows::orquesta

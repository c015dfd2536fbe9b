#pragma once
// StackStorm's `announcement` runner: the action's parameters (less the
// runner's own, `route` and `experimental`) are published on the event
// stream as `st2.announcement__<route>` and are its result. Chat listens on
// route `chatops` (chatops.post_message), as StackStorm's hubot does; a
// remote listener reads any route from /stream/v1/stream.
#include "actions/runner_registry.hpp"
#include "events/event_bus.hpp"

namespace packhost::events {

// `bus` outlives the registry's runners; null: the host publishes nothing
// (a lone `packhost run`), and an announcement fails saying so rather than
// succeed with nobody to hear it.
void register_announcement_runner(actions::RunnerRegistry& registry, EventBus* bus);

}  // namespace packhost::events

#pragma once
// A Store that tells an EventBus what is written through it: every saved
// execution record (created, then updated at each status), every output
// chunk and every trigger instance. Wrapping the store puts the events where
// every change already passes, so no caller can forget one; reads pass
// straight through.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "events/event_bus.hpp"
#include "store/store.hpp"

namespace packhost::events {

std::unique_ptr<store::Store> publishing_store(std::unique_ptr<store::Store> inner, EventBus& bus);

// The trigger instance as StackStorm's API shows it.
Json trigger_instance_view(const store::TriggerInstanceRecord& t);

}  // namespace packhost::events

#pragma once
// The `native` runner: an action a pack's shared library implements, called
// in-process through ph_action_v1.invoke.
#include <memory>

#include "actions/action.hpp"
#include "packs/catalog.hpp"

namespace packhost::actions {

// Builds the Action for the `index`th action `pack`'s library describes.
// Throws std::invalid_argument naming the library, the action and the field.
std::shared_ptr<const Action> make_native_action(const std::shared_ptr<const packs::LoadedPack>& pack, size_t index,
                                                 RunnerCapabilities capabilities);

// The user the native action running on this thread executes for (nullptr
// outside an invoke): what the ABI's user-scope datastore calls act for.
const std::string* current_invocation_user();

}  // namespace packhost::actions

#pragma once
// A pack as packhost shows it (`pack list --json`, `pack show`, the API):
// its metadata, masked config, actions and native parts.
#include "actions/registry.hpp"
#include "core/json_value.hpp"
#include "packs/catalog.hpp"

namespace packhost::actions {

Json pack_json(const packs::LoadedPack& pack, const Registry& registry);
// A pack that was refused, and why.
Json refused_pack_json(const packs::RefusedPack& refused);

}  // namespace packhost::actions

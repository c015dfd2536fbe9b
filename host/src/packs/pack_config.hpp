#pragma once
// A pack's site configuration: <configs dir>/<pack>.yaml, validated against
// the pack's config.schema.yaml (StackStorm's format: a map of property
// specs, `secret: true` for values to mask, `required: true`).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "core/json_schema.hpp"
#include "packs/metadata.hpp"

namespace packhost::packs {

struct PackConfig {
    Json values = Json::object();  // defaults applied
    core::JsonSchema schema;       // empty when the pack has none
    bool has_schema = false;
    std::vector<std::string> warnings;  // keys the schema does not know, each with its file

    Json masked() const { return has_schema ? schema.masked(values) : values; }
};

// Throws PackError naming the file and every key that fails the schema; an
// unknown key is a warning (a typo the pack would never read). A value holding a template
// ("{{ st2kv.system.token | decrypt_kv }}") is checked when rendered, per
// execution, not here. `has_schema`, when known (from the pack index),
// saves looking for config.schema.yaml.
PackConfig load_pack_config(const PackMetadata& pack, const std::filesystem::path& configs_dir,
                            std::optional<bool> has_schema = std::nullopt);

}  // namespace packhost::packs

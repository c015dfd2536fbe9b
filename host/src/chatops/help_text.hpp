#pragma once
// `!help [filter]` from the loaded aliases, and the alias closest to a
// command nobody defined, for "did you mean".
#include <optional>
#include <string>

#include "chatops/aliases/alias_index.hpp"

namespace packhost::chatops {

// One line per enabled alias format with a display: "!DISPLAY - DESCRIPTION",
// those whose display, description or ref contain `filter` (any case).
std::string help_text(const aliases::AliasIndex& index, const std::string& prefix, const std::string& filter);

// The display closest to `command` (edit distance over the words before the
// first placeholder), or nullopt when none is near.
std::optional<std::string> closest_display(const aliases::AliasIndex& index, const std::string& command);

}  // namespace packhost::chatops

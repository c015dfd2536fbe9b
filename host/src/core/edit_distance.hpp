#pragma once
// Levenshtein distance between two byte strings, for "did you mean" (an
// unknown setting, a chat command with a typo).
#include <string_view>

namespace packhost::core {

size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace packhost::core

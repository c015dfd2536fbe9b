#pragma once
#include <string>

#include "core/json_value.hpp"

namespace packhost::cli {

// JSON shown the way st2 shows records to people: as YAML, which reads
// back as the same JSON once printed with a newline after it (the text
// returned has none at its end).
std::string to_yaml(const Json& value);

}  // namespace packhost::cli

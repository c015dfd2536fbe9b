#pragma once
#include <string>

#include "core/json_value.hpp"

namespace packhost::cli {

// JSON shown the way st2 shows records to people: as YAML.
std::string to_yaml(const Json& value);

}  // namespace packhost::cli

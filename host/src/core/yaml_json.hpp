#pragma once
// YAML to JSON as Python's yaml.safe_load reads it (YAML 1.1 scalars: yes/no
// and on/off are booleans, ~ is null, 1.5 a float, "quoted" always a
// string), so StackStorm files and templates mean here what they mean there.
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/json_value.hpp"

namespace packhost::core {

// Throws core::JsonTextError ("line N: nested deeper than ...") past
// kMaxJsonDepth levels.
Json yaml_to_json(const YAML::Node& node);
// The value a plain (unquoted) YAML scalar stands for.
Json resolve_plain_scalar(const std::string& text);

}  // namespace packhost::core

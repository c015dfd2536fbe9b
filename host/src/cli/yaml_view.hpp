#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace packhost::cli {

// JSON shown the way st2 shows records to people: as YAML.
std::string to_yaml(const nlohmann::ordered_json& value);

}  // namespace packhost::cli

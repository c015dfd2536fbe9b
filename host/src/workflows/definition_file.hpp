#pragma once
// Reading a workflow definition file: YAML nodes keep their lines, so every
// problem found later can name the line it is about.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "expr/value.hpp"
#include "workflows/problems.hpp"

namespace packhost::workflows {

// The document, or nullopt after adding the problem (unreadable, not YAML).
std::optional<YAML::Node> load_definition(const std::filesystem::path& file, Problems& problems);

// 1-based line of a YAML node (0 when unknown).
size_t line_of(const YAML::Node& node);

// A YAML value as JSON, the way StackStorm's loader reads it.
Json to_json(const YAML::Node& node);

// "a, b" -> {"a", "b"} (blanks trimmed, empty parts dropped).
std::vector<std::string> split_names(const std::string& text);

}  // namespace packhost::workflows

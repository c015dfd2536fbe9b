#pragma once
// A YAML (or JSON) document a person wrote for the events side: a rule, a
// trigger instance, a trigger type.
#include <filesystem>

#include "core/json_value.hpp"

namespace packhost::events {

// The file as JSON. Throws core::ValidationError naming the file and, when
// it has one, the line.
Json read_document(const std::filesystem::path& file);

}  // namespace packhost::events

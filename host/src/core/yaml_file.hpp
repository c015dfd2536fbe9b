#pragma once
// Reading a YAML file a pack or a site ships (pack.yaml, action metadata,
// workflow definitions, configs): one size cap, and yaml-cpp's errors
// turned into what a person can act on (its deep-nesting error says only
// "bad file").
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <yaml-cpp/yaml.h>

namespace packhost::core {

inline constexpr size_t kMaxYamlFileBytes = 1u << 20;

// `line` is 1-based, 0 when the problem is not at a line (missing file,
// too large). The message does not name the file: callers do.
class YamlFileError : public std::runtime_error {
public:
    YamlFileError(size_t line, const std::string& message) : std::runtime_error(message), line_(line) {}
    size_t line() const noexcept { return line_; }

private:
    size_t line_;
};

// Throws YamlFileError: "cannot be read: <why>", "is larger than 1 MiB
// (N bytes)", "invalid YAML at line L, column C: <why>", "nested deeper than
// the YAML parser allows".
YAML::Node load_yaml_file(const std::filesystem::path& file, size_t max_bytes = kMaxYamlFileBytes);

}  // namespace packhost::core

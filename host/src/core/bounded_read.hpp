#pragma once
// Reading a whole small file (a pack's YAML, a manifest) with a size cap,
// without reserving the cap up front: start-up reads dozens of these.
#include <cstddef>
#include <filesystem>
#include <string>

namespace packhost::core {

struct BoundedRead {
    std::string text;
    bool too_large = false;  // more than max_bytes; text holds the first max_bytes + 1
    int error = 0;           // errno when the file could not be read
};

BoundedRead read_bounded(const std::filesystem::path& file, size_t max_bytes);

}  // namespace packhost::core

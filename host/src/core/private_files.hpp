#pragma once
// Files that hold secrets or history (the store, its WAL, the key) are
// created for their owner only, and folders packhost makes for them too. A
// folder that exists already keeps its mode: it may be shared on purpose
// (/tmp is 1777), and changing it is not packhost's call.
#include <filesystem>

namespace packhost::core {

// Creates `dir` and whichever parents are missing, each with mode 0700.
// Throws std::runtime_error naming the folder it cannot create.
void create_private_directories(const std::filesystem::path& dir);

// Makes sure `file` exists with mode 0600: creates it empty when missing
// (its folder with create_private_directories), and takes group and other
// permissions away from an existing one (packhost's own file). Returns true
// when it had to narrow an existing file's mode.
bool ensure_private_file(const std::filesystem::path& file);

// True when group or others may read `file` (false when it does not exist).
bool readable_by_others(const std::filesystem::path& file);

}  // namespace packhost::core

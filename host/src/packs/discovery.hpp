#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace packhost::packs {

// Splits a colon-separated search path ("a:b:c"), dropping empty entries.
std::vector<std::filesystem::path> parse_search_path(const std::string& colon_separated);

// Where a packhost binary finds its bundled packs: <bin>/../lib/packhost/packs
// (an installed tree) and <bin>/../packs (the build tree), those that exist.
std::vector<std::filesystem::path> default_search_path(const std::filesystem::path& executable);

// The pack directories (those holding a pack.yaml) directly below each
// search-path entry, in search-path order, each entry's packs sorted by name.
// What it had to skip (an entry that does not exist, a folder it cannot
// read, a symlink to nothing) is added to `warnings`, never skipped in
// silence. A folder `known` says is a pack is taken without looking for
// its pack.yaml (the pack index checks that file's stamp anyway).
std::vector<std::filesystem::path> find_pack_dirs(
    const std::vector<std::filesystem::path>& search_path, std::vector<std::string>& warnings,
    const std::function<bool(const std::filesystem::path&)>& known = nullptr);

}  // namespace packhost::packs

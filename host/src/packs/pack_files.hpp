#pragma once
// A file a pack names (an action's entry point, the library in its
// manifest) must be inside the pack: after following symlinks, never
// above it, never an absolute path elsewhere. Checked before the file is
// read or run, so a pack cannot make the host print /etc/shadow or run
// /bin/sh as its "script".
#include <filesystem>
#include <string>
#include <vector>

namespace packhost::packs {

// The real path of `relative` under `base` (a folder of the pack, itself
// inside `pack_dir`). Throws PackError("<where>: <field> '<relative>' ...")
// when it is absolute, leaves the pack, or does not exist.
std::filesystem::path file_in_pack(const std::filesystem::path& pack_dir, const std::filesystem::path& base,
                                   const std::string& relative, const std::string& where, const std::string& field);

// The *.yaml and *.yml files directly in `dir` (a pack's actions/ or
// rules/), in name order; none when there is no such folder.
std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir);

}  // namespace packhost::packs

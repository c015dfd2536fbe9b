#pragma once
// Reading one pack directory: pack.yaml, the library its manifest (or
// lib<ref>.so) names, actions/*.yaml; with the stamps of every file read,
// taken before it was read, for the pack index.
#include <filesystem>
#include <optional>

#include "packs/host_services.hpp"
#include "packs/pack_index.hpp"

namespace packhost::packs {

// The library a pack directory holds, if any: the one manifest.json (written
// by packhost_add_pack) names, else lib<ref>.so. The manifest's ABI is
// checked before the library is mapped, so a pack for another ABI major is
// refused without running any of its code. Throws PackError.
std::optional<std::filesystem::path> native_library_path(const PackMetadata& m, AbiVersion host_abi);

// Every actions/*.yaml of the pack, sorted, each read from YAML. Throws
// PackError("<file>: <why>") for the first that is not a YAML mapping.
std::vector<ActionFile> read_action_files(const std::filesystem::path& pack_dir);

// Stamps are taken before what they stand for is read, so a file changed
// while it is read is read again next time.
// The pack folder (files added or removed), pack.yaml, manifest.json, actions/.
std::vector<FileStamp> folder_stamps(const std::filesystem::path& pack_dir);
// Each action file's stamp (taken when it was read) and its entry point's:
// a workflow definition is parsed again when it changes.
void add_action_stamps(std::vector<FileStamp>& stamps, const std::filesystem::path& pack_dir,
                       const std::vector<ActionFile>& action_files);

}  // namespace packhost::packs

#pragma once
// Every pack found on the search path: those loaded and those refused (with
// the reason). One bad pack never stops the others.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packs/host_services.hpp"
#include "packs/metadata.hpp"
#include "packs/native_library.hpp"
#include "packs/pack_config.hpp"
#include "packs/pack_index.hpp"

namespace packhost::packs {

struct LoadedPack {
    PackMetadata metadata;
    PackConfig config;
    // What the pack's library describes (absent without one); its functions
    // are reached through `link`, which maps the library when it is first
    // needed if this came from the pack index.
    std::optional<NativeLibrary> native;
    std::shared_ptr<const LibraryLink> link;
    std::vector<ActionFile> action_files;  // actions/*.yaml as read
    bool from_index = false;               // read from the pack index, not the files
    HostTable* host_table = nullptr;       // what the library is handed (process-wide, never freed)
};

struct RefusedPack {
    std::filesystem::path dir;
    std::string ref;  // when pack.yaml was readable
    std::string reason;
    HostTable* host_table = nullptr;  // the library may still hold it
};

class Catalog {
public:
    // Reads and loads every pack under `search_path`. When two directories
    // hold packs with the same ref, the first on the search path wins and
    // the later one is refused as shadowed. With an index, a pack whose
    // files are unchanged is taken from it (its library is not mapped), and
    // the packs read afresh are added to it (the caller saves it, with only
    // the packs that were finally loaded).
    static Catalog load(const std::vector<std::filesystem::path>& search_path, HostServices& services,
                        AbiVersion host_abi = {}, const std::filesystem::path& configs_dir = {},
                        PackIndex* index = nullptr);

    const std::vector<std::shared_ptr<const LoadedPack>>& loaded() const { return loaded_; }
    const std::vector<RefusedPack>& refused() const { return refused_; }
    // What loading found worth a look but did not refuse a pack for
    // (skipped folders, unknown config keys, a pack without actions).
    const std::vector<std::string>& warnings() const { return warnings_; }
    void warn(std::string message);
    const LoadedPack* find(const std::string& ref) const;

    // Moves a loaded pack to the refused list (a later stage, e.g. action
    // registration, found it unusable).
    void refuse(const std::string& ref, const std::string& reason);

private:
    std::vector<std::shared_ptr<const LoadedPack>> loaded_;
    std::vector<RefusedPack> refused_;
    std::vector<std::string> warnings_;
};

}  // namespace packhost::packs

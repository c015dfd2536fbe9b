#include "core/json_value.hpp"
#include "packs/catalog.hpp"

#include "core/log.hpp"
#include "packs/discovery.hpp"
#include "packs/pack_error.hpp"
#include "packs/pack_reader.hpp"

namespace packhost::packs {
namespace fs = std::filesystem;

namespace {

// Reads `dir` as it is now (loading its library), for the catalog and the index.
PackContent read_pack(const fs::path& dir, AbiVersion host_abi, std::vector<FileStamp> stamps, PackMetadata metadata,
                      std::shared_ptr<const LibraryLink>& link, HostTable*& table, HostServices& services) {
    PackContent c;
    c.stamps = std::move(stamps);
    c.metadata = std::move(metadata);
    const std::string& ref = c.metadata.ref;
    if (auto so = native_library_path(c.metadata, host_abi)) {
        c.stamps.push_back(stamp_of(*so));
        table = &HostTable::for_pack(ref);
        table->attach(services, host_abi);
        auto lib = load_native_library(*so, table->get(), host_abi);
        c.native = lib;
        link = std::make_shared<const LibraryLink>(std::move(lib));
    }
    c.action_files = read_action_files(dir);
    add_action_stamps(c.stamps, dir, c.action_files);
    return c;
}

}  // namespace

Catalog Catalog::load(const std::vector<fs::path>& search_path, HostServices& services, AbiVersion host_abi,
                      const fs::path& configs_dir, PackIndex* index) {
    Catalog c;
    std::vector<std::string> skipped;
    auto dirs = find_pack_dirs(search_path, skipped, [index](const fs::path& d) { return index && index->knows(d); });
    for (auto& w : skipped) c.warn(std::move(w));
    for (const auto& dir : dirs) {
        std::string ref;
        HostTable* table = nullptr;
        try {
            auto pack = std::make_shared<LoadedPack>();
            std::optional<PackContent> content = index ? index->find(dir) : std::nullopt;
            bool fresh = !content;
            std::vector<FileStamp> stamps;
            if (fresh) {
                std::error_code ec;
                if (!fs::exists(dir / "pack.yaml", ec)) continue;  // indexed once, no longer a pack
                stamps = folder_stamps(dir);
                pack->metadata = read_pack_metadata(dir);
            } else {
                pack->metadata = std::move(content->metadata);
            }
            ref = pack->metadata.ref;
            if (const LoadedPack* first = c.find(ref)) {
                throw PackError(dir.string() + ": pack '" + ref + "' is shadowed by " + first->metadata.dir.string() +
                                " (earlier on the search path)");
            }
            pack->config = load_pack_config(pack->metadata, configs_dir,
                                            fresh ? std::nullopt : std::optional<bool>(content->config_schema));
            for (const auto& w : pack->config.warnings) c.warn(w);
            if (fresh) {
                content = read_pack(dir, host_abi, std::move(stamps), pack->metadata, pack->link, table, services);
            } else if (content->native) {
                // Described by the index: mapped when one of its actions runs.
                table = &HostTable::for_pack(ref);
                table->attach(services, host_abi);
                pack->link = std::make_shared<const LibraryLink>(table->get(), host_abi, *content->native);
            }
            pack->host_table = table;
            pack->native = content->native;
            pack->from_index = !fresh;
            if (pack->native) {
                const auto& n = *pack->native;
                fs::path so = n.path;
                if (n.name != ref) {
                    throw PackError(so.string() + ": library defines pack '" + n.name + "' but " +
                                    (dir / "pack.yaml").string() + " has ref '" + ref + "'");
                }
                if (n.version != pack->metadata.version) {
                    throw PackError(so.string() + ": library has version " + n.version + " but " +
                                    (dir / "pack.yaml").string() + " has version " + pack->metadata.version);
                }
            }
            if (fresh && index) {
                content->config_schema = pack->config.has_schema;
                index->put(dir, *content);
            }
            pack->action_files = std::move(content->action_files);
            c.loaded_.push_back(std::move(pack));
        } catch (const PackError& e) {
            core::log::warn("pack refused: {}", e.what());
            c.refused_.push_back({dir, ref, e.what(), table});
        }
    }
    return c;
}

void Catalog::warn(std::string message) {
    core::log::warn("{}", message);
    warnings_.push_back(std::move(message));
}

const LoadedPack* Catalog::find(const std::string& ref) const {
    for (const auto& p : loaded_) {
        if (p->metadata.ref == ref) return p.get();
    }
    return nullptr;
}

void Catalog::refuse(const std::string& ref, const std::string& reason) {
    for (auto it = loaded_.begin(); it != loaded_.end(); ++it) {
        if ((*it)->metadata.ref == ref) {
            core::log::warn("pack refused: {}", reason);
            refused_.push_back({(*it)->metadata.dir, ref, reason, (*it)->host_table});
            loaded_.erase(it);
            return;
        }
    }
}

}  // namespace packhost::packs

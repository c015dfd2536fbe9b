#include "core/json.hpp"
#include "packs/catalog.hpp"

#include <cstring>

#include <spdlog/spdlog.h>

#include "core/bounded_read.hpp"
#include "core/json_text.hpp"
#include "packs/discovery.hpp"
#include "packs/pack_error.hpp"
#include "packs/pack_files.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;

// The library a pack directory holds, if any: the one manifest.json (written
// by packhost_add_pack) names, else lib<ref>.so. The manifest's ABI is
// checked before the library is mapped, so a pack for another ABI major is
// refused without running any of its code.
std::optional<fs::path> native_library_path(const PackMetadata& m, AbiVersion host_abi) {
    fs::path manifest = m.dir / "manifest.json";
    std::error_code ec;
    if (fs::exists(manifest, ec)) {
        Json doc;
        try {
            auto read = core::read_bounded(manifest, 64 * 1024);
            if (read.error != 0) throw PackError(manifest.string() + ": cannot be read: " + std::strerror(read.error));
            if (read.too_large) throw PackError(manifest.string() + ": is larger than 64 KiB");
            doc = core::parse_json(read.text, manifest.string());
        } catch (const core::JsonTextError& e) {
            throw PackError(e.what());
        }
        if (!doc.is_object()) throw PackError(manifest.string() + ": must be a JSON object");
        std::string lib = doc.value("library", "");
        if (lib.empty() || lib.find('/') != std::string::npos) {
            throw PackError(manifest.string() + ": field 'library' must name a file in the pack directory");
        }
        std::string abi = doc.value("abi", "");
        unsigned major = 0, minor = 0;
        if (std::sscanf(abi.c_str(), "%u.%u", &major, &minor) != 2) {
            throw PackError(manifest.string() + ": field 'abi' must be \"MAJOR.MINOR\", got \"" + abi + "\"");
        }
        if (auto why = abi_refusal(host_abi, {major, minor})) throw PackError(manifest.string() + ": " + *why);
        return file_in_pack(m.dir, m.dir, lib, manifest.string(), "library");
    }
    fs::path so = m.dir / ("lib" + m.ref + ".so");
    if (fs::exists(so, ec)) return file_in_pack(m.dir, m.dir, so.filename().string(), m.dir.string(), "library");
    return std::nullopt;
}

}  // namespace

Catalog Catalog::load(const std::vector<fs::path>& search_path, HostServices& services, AbiVersion host_abi,
                      const fs::path& configs_dir) {
    Catalog c;
    std::vector<std::string> skipped;
    auto dirs = find_pack_dirs(search_path, skipped);
    for (auto& w : skipped) c.warn(std::move(w));
    for (const auto& dir : dirs) {
        std::string ref;
        HostTable* table = nullptr;
        try {
            auto pack = std::make_shared<LoadedPack>();
            pack->metadata = read_pack_metadata(dir);
            ref = pack->metadata.ref;
            if (const LoadedPack* first = c.find(ref)) {
                throw PackError(dir.string() + ": pack '" + ref + "' is shadowed by " + first->metadata.dir.string() +
                                " (earlier on the search path)");
            }
            pack->config = load_pack_config(pack->metadata, configs_dir);
            for (const auto& w : pack->config.warnings) c.warn(w);
            if (auto so = native_library_path(pack->metadata, host_abi)) {
                table = &HostTable::for_pack(ref);
                table->attach(services, host_abi);
                pack->host_table = table;
                pack->native = load_native_library(*so, pack->host_table->get(), host_abi);
                const auto& n = *pack->native;
                if (n.name != ref) {
                    throw PackError(so->string() + ": library defines pack '" + n.name + "' but " +
                                    (dir / "pack.yaml").string() + " has ref '" + ref + "'");
                }
                if (n.version != pack->metadata.version) {
                    throw PackError(so->string() + ": library has version " + n.version + " but " +
                                    (dir / "pack.yaml").string() + " has version " + pack->metadata.version);
                }
            }
            c.loaded_.push_back(std::move(pack));
        } catch (const PackError& e) {
            spdlog::warn("pack refused: {}", e.what());
            c.refused_.push_back({dir, ref, e.what(), table});
        }
    }
    return c;
}

void Catalog::warn(std::string message) {
    spdlog::warn("{}", message);
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
            spdlog::warn("pack refused: {}", reason);
            refused_.push_back({(*it)->metadata.dir, ref, reason, (*it)->host_table});
            loaded_.erase(it);
            return;
        }
    }
}

}  // namespace packhost::packs

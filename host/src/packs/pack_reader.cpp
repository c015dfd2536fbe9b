#include "packs/pack_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/bounded_read.hpp"
#include "core/json_text.hpp"
#include "core/yaml_file.hpp"
#include "core/yaml_json.hpp"
#include "packs/pack_error.hpp"
#include "packs/pack_files.hpp"

namespace packhost::packs {

namespace fs = std::filesystem;

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

std::vector<ActionFile> read_action_files(const fs::path& pack_dir) {
    std::vector<ActionFile> out;
    for (const auto& f : yaml_files_in(pack_dir / "actions")) {
        try {
            FileStamp stamp = stamp_of(f);
            YAML::Node doc = core::load_yaml_file(f);
            if (!doc.IsMap()) throw PackError(f.string() + ": must be a mapping of fields");
            ActionFile a{f, "", core::yaml_to_json(doc), "", std::move(stamp)};
            if (auto n = a.meta.find("name"); n != a.meta.end() && n->is_string()) a.name = n->get<std::string>();
            out.push_back(std::move(a));
        } catch (const PackError&) {
            throw;
        } catch (const std::runtime_error& e) {
            throw PackError(f.string() + ": " + e.what());
        }
    }
    return out;
}

std::vector<FileStamp> folder_stamps(const fs::path& pack_dir) {
    return {stamp_of(pack_dir), stamp_of(pack_dir / "pack.yaml"), stamp_of(pack_dir / "manifest.json"),
            stamp_of(pack_dir / "actions")};
}

void add_action_stamps(std::vector<FileStamp>& stamps, const fs::path& pack_dir,
                       const std::vector<ActionFile>& action_files) {
    for (const auto& a : action_files) {
        stamps.push_back(a.stamp);
        auto ep = a.meta.find("entry_point");
        if (ep != a.meta.end() && ep->is_string() && !ep->get<std::string>().empty()) {
            stamps.push_back(stamp_of(pack_dir / "actions" / ep->get<std::string>()));
        }
    }
}

}  // namespace packhost::packs

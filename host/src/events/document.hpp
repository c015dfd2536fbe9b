#pragma once
// A YAML (or JSON) document a person wrote for the events side: a rule, a
// trigger instance, a trigger type.
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/json_value.hpp"
#include "packs/catalog.hpp"
#include "packs/pack_files.hpp"

namespace packhost::events {

// The file as JSON. Throws core::ValidationError naming the file and, when
// it has one, the line.
Json read_document(const std::filesystem::path& file);

// The string at `key` of `obj`; a problem "<at><key>: required" or "<at><key>:
// must be a (non-empty) string" when it is missing while required, or there
// but not a string.
std::string text_field(const Json& obj, const char* key, const std::string& at, bool required,
                       std::vector<std::string>& problems);

// A pack's documents of one kind (`folder`: "rules", "aliases"), each
// <pack_dir>/<folder>/*.yaml in name order, its `pack` defaulting to the
// pack's and checked against it, made by `T::parse(doc, file)`. One that
// cannot be read is left out with the reason in `problems`.
template <typename T>
std::vector<T> read_pack_documents(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                   const char* folder, const char* noun, std::vector<std::string>& problems) {
    std::vector<T> out;
    for (const auto& file : packs::yaml_files_in(pack_dir / folder)) {
        try {
            Json doc = read_document(file);
            if (doc.is_object() && !doc.contains("pack")) doc["pack"] = pack_ref;
            T item = T::parse(doc, file.string());
            if (item.pack != pack_ref) {
                throw core::ValidationError(file.string() + ": pack: '" + item.pack + "', but the " + noun +
                                            " is in pack '" + pack_ref + "'");
            }
            item.source = file.string();
            out.push_back(std::move(item));
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    return out;
}

// The same for every loaded pack.
template <typename T>
std::vector<T> load_pack_documents(const packs::Catalog& catalog, const char* folder, const char* noun,
                                   std::vector<std::string>& problems) {
    std::vector<T> out;
    for (const auto& pack : catalog.loaded()) {
        for (auto& item : read_pack_documents<T>(pack->metadata.dir, pack->metadata.ref, folder, noun, problems)) {
            out.push_back(std::move(item));
        }
    }
    return out;
}

}  // namespace packhost::events

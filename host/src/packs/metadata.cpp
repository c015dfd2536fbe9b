#include "packs/metadata.hpp"

#include <yaml-cpp/yaml.h>

#include "core/semver.hpp"
#include "core/yaml_file.hpp"
#include "packs/pack_error.hpp"

namespace packhost::packs {
namespace {

std::string scalar(const YAML::Node& doc, const char* field, const std::string& file, bool required) {
    YAML::Node n = doc[field];
    if (!n || n.IsNull()) {
        if (required) throw PackError(file + ": required field '" + field + "' is missing");
        return {};
    }
    if (!n.IsScalar()) throw PackError(file + ": field '" + field + "' must be a string");
    std::string v = n.as<std::string>();
    if (required && v.empty()) throw PackError(file + ": required field '" + field + "' is empty");
    return v;
}

std::vector<std::string> string_list(const YAML::Node& doc, const char* field, const std::string& file) {
    YAML::Node n = doc[field];
    std::vector<std::string> out;
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) throw PackError(file + ": field '" + field + "' must be a list");
    for (const auto& item : n) {
        if (!item.IsScalar()) throw PackError(file + ": field '" + field + "' must be a list of strings");
        out.push_back(item.as<std::string>());
    }
    return out;
}

}  // namespace

bool is_valid_pack_ref(const std::string& ref) {
    if (ref.empty()) return false;
    for (char c : ref) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

PackMetadata read_pack_metadata(const std::filesystem::path& dir) {
    const std::string file = (dir / "pack.yaml").string();
    YAML::Node doc;
    try {
        doc = core::load_yaml_file(file);
    } catch (const core::YamlFileError& e) {
        throw PackError(file + ": " + e.what());
    }
    if (!doc.IsMap()) throw PackError(file + ": must be a mapping of fields");

    PackMetadata m;
    m.dir = dir;
    try {
        m.name = scalar(doc, "name", file, true);
        m.description = scalar(doc, "description", file, true);
        m.version = scalar(doc, "version", file, true);
        m.author = scalar(doc, "author", file, true);
        m.email = scalar(doc, "email", file, false);
        m.ref = scalar(doc, "ref", file, false);
        m.keywords = string_list(doc, "keywords", file);
        m.dependencies = string_list(doc, "dependencies", file);
        m.contributors = string_list(doc, "contributors", file);
    } catch (const YAML::Exception& e) {
        throw PackError(file + ": " + e.msg);
    }
    if (m.ref.empty()) {
        if (!is_valid_pack_ref(m.name)) {
            throw PackError(file + ": field 'ref' is missing and name \"" + m.name +
                            "\" is not a valid ref (^[a-z0-9_]+$); add a 'ref'");
        }
        m.ref = m.name;
    } else if (!is_valid_pack_ref(m.ref)) {
        throw PackError(file + ": ref \"" + m.ref + "\" must match ^[a-z0-9_]+$");
    }
    if (m.ref == "_global") throw PackError(file + ": ref \"_global\" is reserved");
    if (!core::Semver::parse(m.version)) {
        throw PackError(file + ": version \"" + m.version + "\" is not semver (MAJOR.MINOR.PATCH, e.g. \"1.0.0\")");
    }
    return m;
}

}  // namespace packhost::packs

#include "packs/pack_config.hpp"

#include <yaml-cpp/yaml.h>

#include "core/yaml_json.hpp"
#include "packs/pack_error.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

nlohmann::ordered_json read_yaml(const fs::path& file) {
    try {
        return core::yaml_to_json(YAML::LoadFile(file.string()));
    } catch (const YAML::BadFile&) {
        throw PackError(file.string() + ": cannot be read");
    } catch (const YAML::Exception& e) {
        throw PackError(file.string() + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

bool has_template(const json& v) {
    if (v.is_string()) return v.get_ref<const std::string&>().find("{{") != std::string::npos;
    if (v.is_structured()) {
        for (const auto& e : v) {
            if (has_template(e)) return true;
        }
    }
    return false;
}

}  // namespace

PackConfig load_pack_config(const PackMetadata& pack, const fs::path& configs_dir) {
    PackConfig cfg;
    fs::path schema_file = pack.dir / "config.schema.yaml";
    fs::path config_file = configs_dir / (pack.ref + ".yaml");
    std::error_code ec;
    if (fs::exists(schema_file, ec)) {
        auto props = read_yaml(schema_file);
        if (!props.is_object() || props.empty()) {
            throw PackError(schema_file.string() + ": must be a non-empty mapping of configuration keys");
        }
        try {
            cfg.schema = core::JsonSchema::compile(nlohmann::ordered_json{{"type", "object"}, {"properties", props}},
                                                   schema_file.string());
        } catch (const std::invalid_argument& e) {
            throw PackError(e.what());
        }
        cfg.has_schema = true;
    }
    if (fs::exists(config_file, ec)) {
        auto doc = read_yaml(config_file);
        if (!doc.is_null() && !doc.is_object()) throw PackError(config_file.string() + ": must be a mapping of keys");
        if (doc.is_object()) cfg.values = json(doc);
    }
    if (cfg.has_schema) {
        // Templated values are rendered (and so checked) per execution.
        json checked = cfg.values;
        for (auto it = checked.begin(); it != checked.end();) {
            it = has_template(it.value()) ? checked.erase(it) : std::next(it);
        }
        std::vector<std::string> problems;
        cfg.schema.validate(checked, "config key", problems);
        for (auto& p : problems) {
            // A key a template will supply is not missing.
            if (p.rfind("config key '", 0) == 0 && p.size() > 12) {
                std::string key = p.substr(12, p.find('\'', 12) - 12);
                if (cfg.values.contains(key) && p.find("is required") != std::string::npos) continue;
            }
            throw PackError(config_file.string() + ": " + p);
        }
        for (auto it = checked.begin(); it != checked.end(); ++it) {
            if (!cfg.values.contains(it.key())) cfg.values[it.key()] = it.value();  // defaults
        }
    }
    return cfg;
}

}  // namespace packhost::packs

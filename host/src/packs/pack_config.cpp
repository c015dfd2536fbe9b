#include "packs/pack_config.hpp"

#include <yaml-cpp/yaml.h>

#include "core/yaml_file.hpp"
#include "core/yaml_json.hpp"
#include "packs/pack_error.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;

Json read_yaml(const fs::path& file) {
    try {
        return core::yaml_to_json(core::load_yaml_file(file));
    } catch (const std::runtime_error& e) {  // YamlFileError, JsonTextError
        throw PackError(file.string() + ": " + e.what());
    }
}

bool has_template(const Json& v) {
    if (v.is_string()) return v.get_ref<const std::string&>().find("{{") != std::string::npos;
    if (v.is_structured()) {
        for (const auto& e : v) {
            if (has_template(e)) return true;
        }
    }
    return false;
}

}  // namespace

PackConfig load_pack_config(const PackMetadata& pack, const fs::path& configs_dir, std::optional<bool> has_schema) {
    PackConfig cfg;
    fs::path schema_file = pack.dir / "config.schema.yaml";
    fs::path config_file = configs_dir / (pack.ref + ".yaml");
    std::error_code ec;
    if (has_schema ? *has_schema : fs::exists(schema_file, ec)) {
        auto props = read_yaml(schema_file);
        if (!props.is_object() || props.empty()) {
            throw PackError(schema_file.string() + ": must be a non-empty mapping of configuration keys");
        }
        try {
            cfg.schema =
                core::JsonSchema::compile(Json{{"type", "object"}, {"properties", props}}, schema_file.string());
        } catch (const std::invalid_argument& e) {
            throw PackError(e.what());
        }
        cfg.has_schema = true;
    }
    if (fs::exists(config_file, ec)) {
        auto doc = read_yaml(config_file);
        if (!doc.is_null() && !doc.is_object()) throw PackError(config_file.string() + ": must be a mapping of keys");
        if (doc.is_object()) cfg.values = Json(doc);
    }
    if (cfg.has_schema) {
        // Templated values are rendered (and so checked) per execution.
        Json checked = cfg.values;
        for (auto it = checked.begin(); it != checked.end();) {
            it = has_template(it.value()) ? checked.erase(it) : std::next(it);
        }
        std::vector<std::string> problems, found;
        cfg.schema.validate(checked, "config key", found);
        for (auto& p : found) {
            // A key a template will supply is not missing.
            if (p.rfind("config key '", 0) == 0 && p.size() > 12) {
                std::string key = p.substr(12, p.find('\'', 12) - 12);
                if (cfg.values.contains(key) && p.find("is required") != std::string::npos) continue;
            }
            problems.push_back(p);
        }
        if (!problems.empty()) {
            std::string all;
            for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
            throw PackError(config_file.string() + ": " + all);
        }
        for (auto it = cfg.values.begin(); it != cfg.values.end(); ++it) {
            if (!cfg.schema.root().property(it.key())) {
                cfg.warnings.push_back(config_file.string() + ": unknown config key '" + it.key() + "' (" +
                                       schema_file.string() + " does not declare it)");
            }
        }
        for (auto it = checked.begin(); it != checked.end(); ++it) {
            if (!cfg.values.contains(it.key())) cfg.values[it.key()] = it.value();  // defaults
        }
    }
    return cfg;
}

}  // namespace packhost::packs

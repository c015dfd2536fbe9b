#include "actions/yaml_actions.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "actions/runner_registry.hpp"
#include "packs/pack_error.hpp"
#include "packs/pack_files.hpp"

namespace packhost::actions {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& file, const std::string& what) {
    throw std::invalid_argument(file.string() + ": " + what);
}

// StackStorm: an action may re-declare a runner parameter to change only
// these; anything else it states must agree with the runner.
const char* const kOverridable[] = {"default", "description", "enum", "immutable", "required"};

Json merge_parameters(const RunnerType& runner, const Json& declared, const fs::path& file) {
    Json props = Json::object();
    for (const auto& [name, spec] : runner.parameters.items()) props[name] = spec;
    for (const auto& [name, spec] : declared.items()) {
        if (!spec.is_object()) refuse(file, "parameters." + name + ": must be a mapping");
        auto base = runner.parameters.find(name);
        if (base == runner.parameters.end()) {
            props[name] = spec;
            continue;
        }
        Json merged = *base;
        for (const auto& [key, value] : spec.items()) {
            bool overridable =
                std::find(std::begin(kOverridable), std::end(kOverridable), key) != std::end(kOverridable);
            if (!overridable && (!base->contains(key) || (*base)[key] != value)) {
                refuse(file,
                       "parameters." + name + ": '" + key + "' of runner " + runner.name +
                           "'s parameter cannot be changed (only default, description, enum, immutable, required)");
            }
            merged[key] = value;
        }
        props[name] = merged;
    }
    Json schema{{"type", "object"}, {"properties", props}};
    if (runner.takes_undeclared_parameters) schema["additionalProperties"] = true;
    return schema;
}

}  // namespace

std::shared_ptr<const Action> load_yaml_action(const packs::LoadedPack& pack, const packs::ActionFile& action_file,
                                               const RunnerRegistry& runners) {
    const fs::path& file = action_file.file;
    Json parsed;
    if (action_file.meta.is_null()) {
        try {
            parsed = action_file.parsed_meta();
        } catch (const Json::exception& e) {
            refuse(file, std::string("cannot read its fields again: ") + e.what());
        }
    }
    const Json& meta = action_file.meta.is_null() ? parsed : action_file.meta;
    auto text = [&](const char* field, bool required) -> std::string {
        auto it = meta.find(field);
        if (it == meta.end() || it->is_null()) {
            if (required) refuse(file, std::string("required field '") + field + "' is missing");
            return "";
        }
        if (!it->is_string()) refuse(file, std::string("field '") + field + "' must be a string");
        return it->get<std::string>();
    };
    auto a = std::make_shared<Action>();
    a->pack = pack.metadata.ref;
    a->name = text("name", true);
    if (a->name.empty() ||
        a->name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            std::string::npos) {
        refuse(file, "name \"" + a->name + "\" may only hold letters, digits, '_' and '-'");
    }
    std::string declared_pack = text("pack", false);
    if (!declared_pack.empty() && declared_pack != a->pack) {
        refuse(file, "pack \"" + declared_pack + "\" does not match the pack's ref \"" + a->pack + "\"");
    }
    a->ref = a->pack + "." + a->name;
    a->description = text("description", false);
    a->runner_type = text("runner_type", true);
    if (auto en = meta.find("enabled"); en != meta.end() && !en->is_boolean())
        refuse(file, "field 'enabled' must be true or false");
    a->enabled = meta.value("enabled", true);
    const RunnerType* runner = runners.find(a->runner_type);
    if (!runner || !runner->make) {
        std::string known;
        for (const auto& n : runners.yaml_names()) known += (known.empty() ? "" : ", ") + n;
        refuse(file, "unknown runner_type '" + a->runner_type + "' (known: " + known + ")");
    }
    ActionSource src{a->pack, pack.metadata.dir, {}, pack.from_index};
    std::string entry_point = text("entry_point", runner->needs_entry_point);
    if (runner->needs_entry_point) {
        try {
            src.entry_point = packs::file_in_pack(pack.metadata.dir, pack.metadata.dir / "actions", entry_point,
                                                  file.string(), "entry_point");
        } catch (const packs::PackError& e) {
            throw std::invalid_argument(e.what());
        }
    }
    Json declared = Json::object();
    if (auto p = meta.find("parameters"); p != meta.end() && !p->is_null()) {
        if (!p->is_object()) refuse(file, "field 'parameters' must be a mapping of parameter names");
        declared = *p;
    }
    try {
        a->parameters =
            ParameterSpec::compile(merge_parameters(*runner, declared, file), file.string() + ": parameters");
        if (auto o = meta.find("output_schema"); o != meta.end() && o->is_object()) {
            a->output_schema = Json{{"type", "object"}, {"properties", *o}};
            a->output = core::JsonSchema::compile(a->output_schema, file.string() + ": output_schema");
        }
    } catch (const std::invalid_argument&) {
        throw;
    }
    a->reentrant = true;  // each run is its own process
    a->capabilities = runner->capabilities;
    a->runner = runner->make(src);
    return a;
}

}  // namespace packhost::actions

#include "actions/registry.hpp"

#include <mutex>
#include <stdexcept>

#include "actions/runner_registry.hpp"
#include "actions/runners/native.hpp"
#include "actions/yaml_actions.hpp"

namespace packhost::actions {

RunOutcome Runner::resume(const Action& action, Invocation&) const {
    return {
        RunOutcome::Kind::failed,
        {{"error", "runner " + action.runner_type + " cannot continue an execution another process left unfinished"}}};
}

Json Action::to_json() const {
    Json params = Json::object();
    for (const auto& row : parameters.rows()) {
        Json p;
        if (!row.type.empty()) p["type"] = row.type;
        p["required"] = row.required;
        if (row.default_value) p["default"] = *row.default_value;
        if (!row.description.empty()) p["description"] = row.description;
        if (row.secret) p["secret"] = true;
        if (row.immutable) p["immutable"] = true;
        if (row.position) p["position"] = *row.position;
        params[row.name] = std::move(p);
    }
    Json out{{"ref", ref},
             {"pack", pack},
             {"name", name},
             {"description", description},
             {"runner_type", runner_type},
             {"enabled", enabled},
             {"parameters", std::move(params)}};
    if (!output_schema.is_null()) out["output_schema"] = output_schema;
    return out;
}

void Registry::add_pack(const std::shared_ptr<const packs::LoadedPack>& pack, const RunnerRegistry& runners) {
    std::vector<std::shared_ptr<const Action>> built;
    if (pack->native) {
        for (size_t i = 0; i < pack->native->actions.size(); ++i) {
            built.push_back(make_native_action(pack, i, runners.capabilities("native")));
        }
    }
    for (auto& a : load_yaml_actions(*pack, runners)) {
        for (const auto& b : built) {
            if (b->name == a->name) {
                throw std::invalid_argument(pack->metadata.dir.string() + ": action '" + a->name +
                                            "' is defined both by the library and in actions/");
            }
        }
        built.push_back(std::move(a));
    }
    auto config = std::make_shared<const Json>(pack->config.values);
    auto text = std::make_shared<const std::string>(config->dump());
    bool templated = contains_template(*config);
    for (auto& a : built) {
        auto& mut = *std::const_pointer_cast<Action>(a);
        mut.config = config;
        mut.config_text = text;
        mut.config_templated = templated;
    }
    std::unique_lock lock(mu_);
    for (const auto& a : built) {
        if (by_ref_.count(a->ref)) throw std::invalid_argument("action " + a->ref + " is already registered");
    }
    for (auto& a : built) by_ref_.emplace(a->ref, std::move(a));
}

void Registry::add(std::shared_ptr<const Action> action) {
    std::unique_lock lock(mu_);
    if (by_ref_.count(action->ref)) throw std::invalid_argument("action " + action->ref + " is already registered");
    by_ref_.emplace(action->ref, std::move(action));
}

std::shared_ptr<const Action> Registry::find(const std::string& ref) const {
    std::shared_lock lock(mu_);
    auto it = by_ref_.find(ref);
    return it == by_ref_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Action>> Registry::list(const std::optional<std::string>& pack) const {
    std::shared_lock lock(mu_);
    std::vector<std::shared_ptr<const Action>> out;
    for (const auto& [ref, a] : by_ref_) {
        if (!pack || a->pack == *pack) out.push_back(a);
    }
    return out;
}

}  // namespace packhost::actions

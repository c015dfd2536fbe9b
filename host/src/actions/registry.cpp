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

std::optional<std::string> Orchestration::datastore_value(const Invocation&, const std::string&, const std::string&,
                                                          bool) {
    throw std::runtime_error("this host keeps no datastore");
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
    // packhost's own: whether a native action may run several calls at once.
    out["reentrant"] = reentrant;
    if (!output_schema.is_null()) out["output_schema"] = output_schema;
    return out;
}

void Registry::add_pack(const std::shared_ptr<const packs::LoadedPack>& pack, const RunnerRegistry& runners) {
    auto config = std::make_shared<const Json>(pack->config.values);
    auto text = std::make_shared<const std::string>(config->dump());
    bool templated = contains_template(*config);
    auto with_config = [config, text, templated](std::shared_ptr<const Action> a) {
        auto& mut = *std::const_pointer_cast<Action>(a);
        mut.config = config;
        mut.config_text = text;
        mut.config_templated = templated;
        return a;
    };
    // Every action by name, with how to build it.
    std::vector<std::pair<std::string, std::function<std::shared_ptr<const Action>()>>> found;
    if (pack->native) {
        RunnerCapabilities native = runners.capabilities("native");
        for (size_t i = 0; i < pack->native->actions.size(); ++i) {
            found.emplace_back(pack->native->actions[i].name, [pack, i, native, with_config] {
                return with_config(make_native_action(pack, i, native));
            });
        }
    }
    const RunnerRegistry* types = &runners;
    for (size_t i = 0; i < pack->action_files.size(); ++i) {
        found.emplace_back(pack->action_files[i].name, [pack, i, types, with_config] {
            return with_config(load_yaml_action(*pack, pack->action_files[i], *types));
        });
    }
    std::vector<Entry> entries;
    std::vector<std::string> refs;
    // Every action that is refused, not only the first: a pack author fixes them in one go.
    std::string refused;
    for (auto& [name, build] : found) {
        Entry e{pack->metadata.ref, nullptr, std::move(build)};
        if (!pack->from_index) {
            try {
                e.action = e.build();  // refused now, with the reason, rather than at first use
            } catch (const std::invalid_argument& error) {
                refused += (refused.empty() ? "" : "\n") + std::string(error.what());
                continue;
            }
            e.build = nullptr;
            name = e.action->name;
        }
        for (const auto& r : refs) {
            if (r == pack->metadata.ref + "." + name) {
                throw std::invalid_argument(pack->metadata.dir.string() + ": action '" + name +
                                            "' is defined both by the library and in actions/");
            }
        }
        refs.push_back(pack->metadata.ref + "." + name);
        entries.push_back(std::move(e));
    }
    if (!refused.empty()) throw std::invalid_argument(refused);
    std::unique_lock lock(mu_);
    for (const auto& r : refs) {
        if (by_ref_.count(r)) throw std::invalid_argument("action " + r + " is already registered");
    }
    for (size_t i = 0; i < refs.size(); ++i) by_ref_.emplace(refs[i], std::move(entries[i]));
}

void Registry::add(std::shared_ptr<const Action> action) {
    std::unique_lock lock(mu_);
    if (by_ref_.count(action->ref)) throw std::invalid_argument("action " + action->ref + " is already registered");
    std::string ref = action->ref, pack = action->pack;
    by_ref_.emplace(std::move(ref), Entry{std::move(pack), std::move(action), nullptr});
}

std::shared_ptr<const Action> Registry::built(const Entry& e) const {
    if (!e.action) e.action = e.build();  // throws: left unbuilt, and says so again next time
    return e.action;
}

std::shared_ptr<const Action> Registry::find(const std::string& ref) const {
    {
        std::shared_lock lock(mu_);
        auto it = by_ref_.find(ref);
        if (it == by_ref_.end()) return nullptr;
        if (it->second.action) return it->second.action;
    }
    std::unique_lock lock(mu_);
    return built(by_ref_.find(ref)->second);
}

std::vector<std::shared_ptr<const Action>> Registry::list(const std::optional<std::string>& pack) const {
    std::unique_lock lock(mu_);
    std::vector<std::shared_ptr<const Action>> out;
    for (const auto& [ref, e] : by_ref_) {
        if (!pack || e.pack == *pack) out.push_back(built(e));
    }
    return out;
}

size_t Registry::count(const std::string& pack) const {
    std::shared_lock lock(mu_);
    // Refs sort by pack: a pack's actions are neighbours.
    const std::string prefix = pack + ".";
    size_t n = 0;
    for (auto it = by_ref_.lower_bound(prefix); it != by_ref_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it)
        n += it->second.pack == pack ? 1 : 0;
    return n;
}

}  // namespace packhost::actions

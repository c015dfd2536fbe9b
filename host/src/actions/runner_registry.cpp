#include "actions/runner_registry.hpp"

#include <stdexcept>

namespace packhost::actions {

void RunnerRegistry::add(RunnerType type) {
    if (find(type.name)) throw std::invalid_argument("runner type '" + type.name + "' is registered twice");
    types_.push_back(std::move(type));
}

const RunnerType* RunnerRegistry::find(std::string_view name) const {
    for (const auto& t : types_) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

RunnerCapabilities RunnerRegistry::capabilities(std::string_view name) const {
    const RunnerType* t = find(name);
    return t ? t->capabilities : RunnerCapabilities{};
}

std::vector<std::string> RunnerRegistry::yaml_names() const {
    std::vector<std::string> out;
    for (const auto& t : types_) {
        if (t.make) out.push_back(t.name);
    }
    return out;
}

std::vector<std::string> RunnerRegistry::names_with(const std::function<bool(const RunnerCapabilities&)>& has) const {
    std::vector<std::string> out;
    for (const auto& t : types_) {
        if (has(t.capabilities)) out.push_back(t.name);
    }
    return out;
}

}  // namespace packhost::actions

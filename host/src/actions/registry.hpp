#pragma once
// Every runnable action by ref. Filled while packs load; read by every
// execution, so lookups take only a shared lock.
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "actions/action.hpp"
#include "packs/catalog.hpp"

namespace packhost::actions {

class RunnerRegistry;

class Registry {
public:
    // Registers a loaded pack's actions, all or none, their runners from
    // `runners`. Throws std::invalid_argument naming the action and field
    // when one is unusable.
    void add_pack(const std::shared_ptr<const packs::LoadedPack>& pack, const RunnerRegistry& runners);

    // Throws std::invalid_argument when the ref is taken.
    void add(std::shared_ptr<const Action> action);

    std::shared_ptr<const Action> find(const std::string& ref) const;
    // Sorted by ref; only `pack`'s when given.
    std::vector<std::shared_ptr<const Action>> list(const std::optional<std::string>& pack = {}) const;

private:
    mutable std::shared_mutex mu_;
    std::map<std::string, std::shared_ptr<const Action>, std::less<>> by_ref_;
};

}  // namespace packhost::actions

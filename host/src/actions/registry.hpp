#pragma once
// Every runnable action by ref. Filled while packs load; read by every
// execution, so lookups take only a shared lock.
#include <functional>
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
    // `runners` (which must outlive the registry). Throws
    // std::invalid_argument naming the action and field when one is
    // unusable. A pack from the pack index built the same actions from the
    // same files before: each is built when first looked up.
    void add_pack(const std::shared_ptr<const packs::LoadedPack>& pack, const RunnerRegistry& runners);

    // Throws std::invalid_argument when the ref is taken.
    void add(std::shared_ptr<const Action> action);

    // nullptr for an unknown ref; throws std::invalid_argument when the
    // action cannot be built now (its pack changed in a way the index missed).
    std::shared_ptr<const Action> find(const std::string& ref) const;
    // Sorted by ref; only `pack`'s when given. Builds them all.
    std::vector<std::shared_ptr<const Action>> list(const std::optional<std::string>& pack = {}) const;
    // How many actions `pack` has, none built.
    size_t count(const std::string& pack) const;

private:
    struct Entry {
        std::string pack;
        mutable std::shared_ptr<const Action> action;          // once built
        std::function<std::shared_ptr<const Action>()> build;  // until then
    };
    std::shared_ptr<const Action> built(const Entry& e) const;  // with mu_ held whole

    mutable std::shared_mutex mu_;
    std::map<std::string, Entry, std::less<>> by_ref_;
};

}  // namespace packhost::actions

#pragma once
// The rules engine: rules indexed by trigger type, so that a trigger
// instance is matched only against the rules of its own type; each rule
// that matches runs its action, and each attempt is recorded as a rule
// enforcement (the execution started, or why none could be). A Dispatcher
// feeds it from the trigger queue on a thread of its own.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "actions/registry.hpp"
#include "events/rules/rule.hpp"
#include "events/trigger_queue.hpp"
#include "executions/scheduler.hpp"
#include "expr/template.hpp"
#include "packs/catalog.hpp"
#include "store/datastore.hpp"
#include "store/store.hpp"

namespace packhost::events::rules {

class Engine {
public:
    // Starts an execution and returns its id; throws what refuses it.
    using Start = std::function<std::string(executions::Request)>;

    // All outlive the engine; `store` and `datastore` may be null.
    Engine(const actions::Registry& registry, store::Store* store, store::Datastore* datastore, Start start);

    void add(Rule rule);
    size_t size() const { return count_; }
    const std::vector<Rule>& rules_for(const std::string& trigger_type) const;

    // Matches `instance` against the enabled rules of its type, starts what
    // they ask, records and returns the enforcements, and marks the instance
    // processed. Called from one thread at a time.
    std::vector<store::RuleEnforcementRecord> process(const TriggerInstance& instance);

private:
    const actions::Registry& registry_;
    store::Store* store_;
    store::Datastore* datastore_;
    Start start_;
    std::unordered_map<std::string, std::vector<Rule>> by_trigger_;
    size_t count_ = 0;
    expr::TemplateCache templates_;
};

// Drains the trigger queue into the engine until destroyed. From then on a
// full queue refuses new instances (their senders get "busy") instead of
// dropping the oldest.
class Dispatcher {
public:
    Dispatcher(Engine& engine, TriggerQueue& queue);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

private:
    Engine& engine_;
    TriggerQueue& queue_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// One pack's rules (<pack_dir>/rules/*.yaml, in name order). A rule that
// cannot be read is left out with the reason in `problems`.
std::vector<Rule> read_pack_rules(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                  std::vector<std::string>& problems);
// The same for every loaded pack.
std::vector<Rule> load_pack_rules(const packs::Catalog& catalog, std::vector<std::string>& problems);

}  // namespace packhost::events::rules

#pragma once
// The rules engine: rules indexed by trigger type, so that a trigger
// instance is matched only against the rules of its own type; each rule
// that matches runs its action, and each attempt is recorded as a rule
// enforcement (the execution started, or why none could be). A Dispatcher
// feeds it from the trigger queue on a thread of its own.
#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "actions/registry.hpp"
#include "events/rules/rule.hpp"
#include "events/rules/trial.hpp"
#include "events/trigger_queue.hpp"
#include "executions/scheduler.hpp"
#include "expr/template.hpp"
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
    // Drops every rule, then adds these (a reload).
    void replace(std::vector<Rule> rules);
    size_t size() const { return count_; }
    size_t rule_count(const std::string& trigger_type) const;
    // The system trigger types some enabled rule listens to.
    std::set<std::string> listened_types() const;

    // Matches `instance` against the enabled rules of its type, starts what
    // they ask, records and returns the enforcements, and marks the instance
    // processed. Called from one thread at a time.
    std::vector<store::RuleEnforcementRecord> process(const TriggerInstance& instance);

private:
    const actions::Registry& registry_;
    store::Store* store_;
    store::Datastore* datastore_;
    Start start_;
    void run_rules(const std::vector<Rule>& rules, const TriggerInstance& instance, TrialInputs& in, bool& prepared,
                   std::vector<store::RuleEnforcementRecord>& done);

    // Rules by "type\n" + their trigger parameters (canonical JSON, empty
    // when none): a webhook's instance meets only the rules of its url and
    // those without parameters.
    std::unordered_map<std::string, std::vector<Rule>> by_key_;
    // Each type's keys in by_key_, for instances without parameters (a
    // sensor's), which every rule of their type sees.
    std::unordered_map<std::string, std::vector<std::string>> keys_of_type_;
    size_t count_ = 0;
    expr::TemplateCache templates_;
};

// Drains the trigger queue into the engine until destroyed. From then on a
// full queue refuses new instances (their senders get "busy") instead of
// dropping the oldest.
class Dispatcher {
public:
    // `between` (optional) runs on the dispatcher's thread once a second,
    // between batches: where rules are reloaded, never during process().
    // An idle dispatcher sleeps until a trigger instance, that second or
    // its stop.
    Dispatcher(Engine& engine, TriggerQueue& queue, std::function<void()> between = nullptr);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

private:
    Engine& engine_;
    TriggerQueue& queue_;
    std::function<void()> between_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace packhost::events::rules

#include "events/rules/engine.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "events/trigger_types.hpp"

namespace packhost::events::rules {

Engine::Engine(const actions::Registry& registry, store::Store* store, store::Datastore* datastore, Start start)
    : registry_(registry), store_(store), datastore_(datastore), start_(std::move(start)) {}

namespace {

// How often the dispatcher runs `between` (the rules' reload look).
constexpr std::chrono::milliseconds kBetweenEvery{1000};

std::string parameters_key(const Json& parameters) {
    return parameters.is_object() && !parameters.empty() ? parameters.dump() : std::string();
}

}  // namespace

void Engine::add(Rule rule) {
    rule.trigger_parameters = normalized_trigger_parameters(rule.trigger_type, rule.trigger_parameters);
    std::string key = rule.trigger_type + '\n' + parameters_key(rule.trigger_parameters);
    auto& rules = by_key_[key];
    if (rules.empty()) keys_of_type_[rule.trigger_type].push_back(key);
    rules.push_back(std::move(rule));
    ++count_;
}

void Engine::replace(std::vector<Rule> rules) {
    by_key_.clear();
    keys_of_type_.clear();
    count_ = 0;
    for (auto& rule : rules) add(std::move(rule));
}

size_t Engine::rule_count(const std::string& trigger_type) const {
    size_t n = 0;
    if (auto it = keys_of_type_.find(trigger_type); it != keys_of_type_.end()) {
        for (const auto& key : it->second) n += by_key_.at(key).size();
    }
    return n;
}

std::set<std::string> Engine::listened_types() const {
    std::set<std::string> out;
    for (const auto& [key, rules] : by_key_) {
        for (const auto& rule : rules) {
            if (rule.enabled) out.insert(rule.trigger_type);
        }
    }
    return out;
}

std::vector<store::RuleEnforcementRecord> Engine::process(const TriggerInstance& instance) {
    std::vector<store::RuleEnforcementRecord> done;
    TrialInputs in;
    bool prepared = false;
    std::string own = parameters_key(instance.parameters);
    if (own.empty()) {
        if (auto it = keys_of_type_.find(instance.trigger); it != keys_of_type_.end()) {
            for (const auto& key : it->second) run_rules(by_key_.at(key), instance, in, prepared, done);
        }
    } else {
        for (const std::string& key : {instance.trigger + '\n', instance.trigger + '\n' + own}) {
            if (auto it = by_key_.find(key); it != by_key_.end()) run_rules(it->second, instance, in, prepared, done);
        }
    }
    if (store_) {
        store_->save_trigger_instance({instance.id, instance.trigger, instance.payload, instance.occurrence_us,
                                       "processed", instance.parameters, ""});
    }
    return done;
}

void Engine::run_rules(const std::vector<Rule>& rules, const TriggerInstance& instance, TrialInputs& in, bool& prepared,
                       std::vector<store::RuleEnforcementRecord>& done) {
    for (const auto& rule : rules) {
        if (!rule.enabled) continue;
        if (!prepared) {
            // Only for an instance some rule looks at: the datastore read is
            // most of the cost of one that none does.
            if (datastore_) in.st2kv = datastore_->template_object("");
            in.render = pattern_renderer(in.st2kv, templates_);
            in.now_us = core::now_us();
            prepared = true;
        }
        // The criteria first: most rules tried do not match, and those need
        // neither their action looked up nor anything rendered.
        auto criteria = rule.criteria.evaluate_payload(*instance.payload, in.render, in.now_us);
        if (!criteria.matched && criteria.error.empty()) continue;  // nothing to record
        auto action = registry_.find(rule.action_ref);
        in.action = action ? &action->parameters : nullptr;
        Trial trial;
        if (criteria.matched) {
            trial = rule_action(rule, *instance.payload, in, templates_);
        } else {
            trial.failed_criterion = criteria.failed;
            trial.error = criteria.error;
        }
        if (!trial.matches && !trial.error) continue;
        store::RuleEnforcementRecord e;
        e.id = core::new_id();
        e.rule = rule.ref();
        e.trigger_instance_id = instance.id;
        e.enforced_us = core::now_us();
        if (!trial.matches) {
            e.failure_reason = *trial.error;
        } else if (!action) {
            e.failure_reason = "Action \"" + rule.action_ref + "\" cannot be found.";
        } else {
            executions::Request request;
            request.action = rule.action_ref;
            request.parameters = std::move(trial.action_parameters);
            request.context["rule"] = {{"ref", e.rule}, {"name", rule.name}};
            request.context["trigger_instance"] = {{"id", instance.id}, {"trigger", instance.trigger}};
            try {
                e.execution_id = start_(std::move(request));
            } catch (const std::exception& err) {
                e.failure_reason = std::string("the execution was refused: ") + err.what();
            }
        }
        if (!e.failure_reason.empty()) {
            core::log::warn("rule {} on trigger instance {}: {}", e.rule, instance.id, e.failure_reason);
        }
        if (store_) store_->save_rule_enforcement(e);
        done.push_back(std::move(e));
    }
}

Dispatcher::Dispatcher(Engine& engine, TriggerQueue& queue, std::function<void()> between)
    : engine_(engine), queue_(queue), between_(std::move(between)) {
    queue_.set_when_full(TriggerQueue::WhenFull::refuse);
    thread_ = std::thread([this] {
        using clock = std::chrono::steady_clock;
        auto next_between = clock::now();
        while (!stopping_) {
            if (between_ && clock::now() >= next_between) {
                try {
                    between_();
                } catch (const std::exception& e) {
                    core::log::error("rules: {}", e.what());
                }
                next_between = clock::now() + kBetweenEvery;
            }
            auto wait = kBetweenEvery;
            if (between_) {
                wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(next_between - clock::now()),
                                  std::chrono::milliseconds(1), kBetweenEvery);
            }
            for (const auto& instance : queue_.wait_drain(wait)) {
                try {
                    engine_.process(instance);
                } catch (const std::exception& e) {
                    core::log::error("rules: trigger instance {} of {}: {}", instance.id, instance.trigger, e.what());
                }
            }
        }
    });
}

Dispatcher::~Dispatcher() {
    stopping_ = true;
    queue_.wake_consumer();
    thread_.join();
    queue_.set_when_full(TriggerQueue::WhenFull::drop_oldest);
}

}  // namespace packhost::events::rules

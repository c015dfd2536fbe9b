#include "events/rules/engine.hpp"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "events/rules/trial.hpp"
#include "packs/pack_files.hpp"

namespace packhost::events::rules {

Engine::Engine(const actions::Registry& registry, store::Store* store, store::Datastore* datastore, Start start)
    : registry_(registry), store_(store), datastore_(datastore), start_(std::move(start)) {}

void Engine::add(Rule rule) {
    by_trigger_[rule.trigger_type].push_back(std::move(rule));
    ++count_;
}

const std::vector<Rule>& Engine::rules_for(const std::string& trigger_type) const {
    static const std::vector<Rule> kNone;
    auto it = by_trigger_.find(trigger_type);
    return it == by_trigger_.end() ? kNone : it->second;
}

std::vector<store::RuleEnforcementRecord> Engine::process(const TriggerInstance& instance) {
    std::vector<store::RuleEnforcementRecord> done;
    const auto& rules = rules_for(instance.trigger);
    TrialInputs in;
    Json context = Json::object();
    if (!rules.empty()) {
        if (datastore_) in.st2kv = datastore_->template_object("");
        in.now_us = core::now_us();
        context["trigger"] = instance.payload;
    }
    for (const auto& rule : rules) {
        if (!rule.enabled) continue;
        auto action = registry_.find(rule.action_ref);
        in.action = action ? &action->parameters : nullptr;
        auto trial = try_rule(rule, instance.trigger, context, in, templates_);
        if (!trial.matches && !trial.error) continue;  // a criterion did not hold: nothing to record
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
            spdlog::warn("rule {} on trigger instance {}: {}", e.rule, instance.id, e.failure_reason);
        }
        if (store_) store_->save_rule_enforcement(e);
        done.push_back(std::move(e));
    }
    if (store_)
        store_->save_trigger_instance(
            {instance.id, instance.trigger, instance.payload, instance.occurrence_us, "processed"});
    return done;
}

Dispatcher::Dispatcher(Engine& engine, TriggerQueue& queue) : engine_(engine), queue_(queue) {
    queue_.set_when_full(TriggerQueue::WhenFull::refuse);
    thread_ = std::thread([this] {
        while (!stopping_) {
            for (const auto& instance : queue_.wait_drain(std::chrono::milliseconds(100))) {
                try {
                    engine_.process(instance);
                } catch (const std::exception& e) {
                    spdlog::error("rules: trigger instance {} of {}: {}", instance.id, instance.trigger, e.what());
                }
            }
        }
    });
}

Dispatcher::~Dispatcher() {
    stopping_ = true;
    thread_.join();
    queue_.set_when_full(TriggerQueue::WhenFull::drop_oldest);
}

std::vector<Rule> read_pack_rules(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                  std::vector<std::string>& problems) {
    std::vector<Rule> out;
    for (const auto& file : packs::yaml_files_in(pack_dir / "rules")) {
        try {
            Json doc = read_document(file);
            if (doc.is_object() && !doc.contains("pack")) doc["pack"] = pack_ref;
            Rule rule = Rule::parse(doc, file.string());
            if (rule.pack != pack_ref) {
                throw core::ValidationError(file.string() + ": pack: '" + rule.pack + "', but the rule is in pack '" +
                                            pack_ref + "'");
            }
            out.push_back(std::move(rule));
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    return out;
}

std::vector<Rule> load_pack_rules(const packs::Catalog& catalog, std::vector<std::string>& problems) {
    std::vector<Rule> out;
    for (const auto& pack : catalog.loaded()) {
        for (auto& rule : read_pack_rules(pack->metadata.dir, pack->metadata.ref, problems)) {
            out.push_back(std::move(rule));
        }
    }
    return out;
}

}  // namespace packhost::events::rules

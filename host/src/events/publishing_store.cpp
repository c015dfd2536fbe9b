#include "events/publishing_store.hpp"

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "executions/record_view.hpp"

namespace packhost::events {
namespace {

size_t approx_bytes(const store::ExecutionRecord& r) {
    size_t bytes = sizeof(Event) + sizeof(r) + r.id.size() + r.action.size() + r.sealed_secrets.size();
    for (const Json* j : {&r.parameters, &r.result, &r.context, &r.log}) bytes += core::json_memory_bytes(*j);
    if (r.context_text) bytes += r.context_text->size();
    return bytes;
}

class PublishingStore final : public store::Store {
public:
    PublishingStore(std::unique_ptr<store::Store> inner, EventBus& bus) : inner_(std::move(inner)), bus_(bus) {}

    uint64_t save(store::ExecutionRecord record) override {
        bool created = false;
        {
            // Executions not yet finished, by id: the first record of one is
            // its creation. Bounded by what runs at once.
            std::lock_guard lock(mu_);
            bool finished = core::is_completed(record.status);
            auto it = live_.find(record.id);
            if (it == live_.end() && !finished) {
                live_.emplace(record.id, record.action);
                created = true;
            } else if (it != live_.end() && finished) {
                live_.erase(it);
            }
        }
        auto copy = std::make_shared<store::ExecutionRecord>(record);
        auto e = std::make_shared<Event>();
        e->type = created ? "st2.execution__create" : "st2.execution__update";
        e->ref = record.action;
        e->status = std::string(core::to_string(record.status));
        if (record.end_us != 0) e->elapsed_seconds = static_cast<double>(record.end_us - record.start_us) / 1e6;
        e->approx_bytes = approx_bytes(*copy);
        e->render = [copy] {
            // Saved records carry their context as the text printed once.
            if (copy->context_text && copy->context.empty()) {
                try {
                    copy->context = core::parse_json(*copy->context_text, "execution " + copy->id + ": context");
                } catch (const core::JsonTextError&) {
                    // Shown without it rather than not at all.
                }
            }
            return core::to_json_text(executions::record_view(*copy));
        };
        bus_.publish(std::move(e));
        return inner_->save(std::move(record));
    }

    void append_output(store::OutputRecord chunk) override {
        std::string action;
        {
            std::lock_guard lock(mu_);
            if (auto it = live_.find(chunk.execution_id); it != live_.end()) action = it->second;
        }
        auto copy = std::make_shared<store::OutputRecord>(chunk);
        auto e = std::make_shared<Event>();
        e->type = "st2.execution.output__create";
        e->ref = action;
        e->approx_bytes = sizeof(Event) + sizeof(chunk) + chunk.execution_id.size() + chunk.data.size();
        e->render = [copy, action] {
            Json j = Json::object();
            j["execution_id"] = copy->execution_id;
            j["action_ref"] = action;
            j["output_type"] = copy->stream;
            j["seq"] = copy->seq;
            j["data"] = copy->data;
            j["timestamp"] = core::iso8601(copy->timestamp_us);
            return core::to_json_text(j);
        };
        bus_.publish(std::move(e));
        inner_->append_output(std::move(chunk));
    }

    uint64_t save_trigger_instance(store::TriggerInstanceRecord record) override {
        auto copy = std::make_shared<store::TriggerInstanceRecord>(record);
        auto e = std::make_shared<Event>();
        e->type = record.status == "pending" ? "st2.trigger_instance__create" : "st2.trigger_instance__update";
        e->ref = record.trigger;
        e->status = record.status;
        e->approx_bytes = sizeof(Event) + sizeof(record) + record.id.size() + core::json_memory_bytes(record.payload);
        e->render = [copy] { return core::to_json_text(trigger_instance_view(*copy)); };
        bus_.publish(std::move(e));
        return inner_->save_trigger_instance(std::move(record));
    }

    void save_workflow_state(store::WorkflowStateRecord part) override { inner_->save_workflow_state(std::move(part)); }
    void save_rule_enforcement(store::RuleEnforcementRecord record) override {
        inner_->save_rule_enforcement(std::move(record));
    }
    std::optional<store::RuleEnforcementRecord> rule_enforcement(const std::string& id) override {
        return inner_->rule_enforcement(id);
    }
    std::vector<store::RuleEnforcementRecord> rule_enforcements(const store::RuleEnforcementFilter& f) override {
        return inner_->rule_enforcements(f);
    }
    void wait_durable(uint64_t ticket) override { inner_->wait_durable(ticket); }
    void when_durable(uint64_t ticket, std::function<void(std::exception_ptr)> done) override {
        inner_->when_durable(ticket, std::move(done));
    }
    void flush() override { inner_->flush(); }
    Health health() override { return inner_->health(); }
    std::optional<store::ExecutionRecord> execution(const std::string& id) override { return inner_->execution(id); }
    std::vector<store::ExecutionRecord> executions(const store::ExecutionFilter& f) override {
        return inner_->executions(f);
    }
    std::vector<store::OutputRecord> output(const std::string& id, int64_t after_seq) override {
        return inner_->output(id, after_seq);
    }
    std::vector<store::WorkflowStateRecord> workflow_state(const std::string& id) override {
        return inner_->workflow_state(id);
    }
    std::optional<store::TriggerInstanceRecord> trigger_instance(const std::string& id) override {
        return inner_->trigger_instance(id);
    }
    std::vector<store::TriggerInstanceRecord> trigger_instances(const store::TriggerInstanceFilter& f) override {
        return inner_->trigger_instances(f);
    }
    std::vector<store::ExecutionRecord> unfinished() override { return inner_->unfinished(); }
    bool claim(const std::string& id, const std::string& old_owner, const std::string& new_owner) override {
        return inner_->claim(id, old_owner, new_owner);
    }
    std::vector<std::string> abandon_orphans(
        const std::function<bool(const std::string&)>& alive, const std::string& reason,
        const std::function<bool(const store::ExecutionRecord&)>& keep,
        const std::function<std::string(const store::ExecutionRecord&)>& before) override {
        return inner_->abandon_orphans(alive, reason, keep, before);
    }
    size_t purge(int64_t before_us) override { return inner_->purge(before_us); }
    std::optional<store::KeyValue> kv_get(const std::string& scope, const std::string& user,
                                          const std::string& name) override {
        return inner_->kv_get(scope, user, name);
    }
    void kv_set(const store::KeyValue& kv) override { inner_->kv_set(kv); }
    bool kv_delete(const std::string& scope, const std::string& user, const std::string& name) override {
        return inner_->kv_delete(scope, user, name);
    }
    std::vector<store::KeyValue> kv_list(const std::string& scope, const std::string& user,
                                         const std::string& prefix) override {
        return inner_->kv_list(scope, user, prefix);
    }
    void api_key_add(const store::ApiKeyRecord& key) override { inner_->api_key_add(key); }
    std::optional<store::ApiKeyRecord> api_key_by_hash(const std::string& key_hash) override {
        return inner_->api_key_by_hash(key_hash);
    }
    std::vector<store::ApiKeyRecord> api_keys() override { return inner_->api_keys(); }
    bool api_key_delete(const std::string& id_or_name) override { return inner_->api_key_delete(id_or_name); }
    void request_control(const store::ControlRequest& request) override { inner_->request_control(request); }
    std::vector<store::ControlRequest> take_control_requests(const std::string& owner) override {
        return inner_->take_control_requests(owner);
    }

private:
    std::unique_ptr<store::Store> inner_;
    EventBus& bus_;
    std::mutex mu_;
    std::unordered_map<std::string, std::string> live_;  // id -> action ref
};

}  // namespace

std::unique_ptr<store::Store> publishing_store(std::unique_ptr<store::Store> inner, EventBus& bus) {
    return std::make_unique<PublishingStore>(std::move(inner), bus);
}

Json trigger_instance_view(const store::TriggerInstanceRecord& t) {
    Json j = Json::object();
    j["id"] = t.id;
    j["trigger"] = t.trigger;
    j["payload"] = t.payload;
    j["occurrence_time"] = core::iso8601(t.occurrence_us);
    j["status"] = t.status;
    return j;
}

}  // namespace packhost::events

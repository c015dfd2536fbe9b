#pragma once
// A Store that hands every call to another: the base of decorators that
// watch what is written (the event stream, finished executions) and
// override only those calls.
#include <memory>
#include <utility>

#include "store/store.hpp"

namespace packhost::store {

class ForwardingStore : public Store {
public:
    explicit ForwardingStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

    uint64_t save_shared(std::shared_ptr<const ExecutionRecord> record) override {
        return inner_->save_shared(std::move(record));
    }
    void append_output(OutputRecord chunk) override { inner_->append_output(std::move(chunk)); }
    uint64_t save_trigger_instance(TriggerInstanceRecord record) override {
        return inner_->save_trigger_instance(std::move(record));
    }
    void save_workflow_state(WorkflowStateRecord part) override { inner_->save_workflow_state(std::move(part)); }
    void save_rule_enforcement(RuleEnforcementRecord record) override {
        inner_->save_rule_enforcement(std::move(record));
    }
    std::optional<RuleEnforcementRecord> rule_enforcement(const std::string& id) override {
        return inner_->rule_enforcement(id);
    }
    std::vector<RuleEnforcementRecord> rule_enforcements(const RuleEnforcementFilter& f) override {
        return inner_->rule_enforcements(f);
    }
    void wait_durable(uint64_t ticket) override { inner_->wait_durable(ticket); }
    void when_durable(uint64_t ticket, std::function<void(std::exception_ptr)> done) override {
        inner_->when_durable(ticket, std::move(done));
    }
    void flush() override { inner_->flush(); }
    Health health() override { return inner_->health(); }
    std::optional<ExecutionRecord> execution(const std::string& id) override { return inner_->execution(id); }
    std::vector<ExecutionRecord> executions(const ExecutionFilter& f) override { return inner_->executions(f); }
    std::vector<OutputRecord> output(const std::string& id, int64_t after_seq) override {
        return inner_->output(id, after_seq);
    }
    std::vector<WorkflowStateRecord> workflow_state(const std::string& id) override {
        return inner_->workflow_state(id);
    }
    std::optional<TriggerInstanceRecord> trigger_instance(const std::string& id) override {
        return inner_->trigger_instance(id);
    }
    std::vector<TriggerInstanceRecord> trigger_instances(const TriggerInstanceFilter& f) override {
        return inner_->trigger_instances(f);
    }
    std::vector<ExecutionRecord> unfinished() override { return inner_->unfinished(); }
    bool claim(const std::string& id, const std::string& old_owner, const std::string& new_owner) override {
        return inner_->claim(id, old_owner, new_owner);
    }
    std::vector<std::string> abandon_orphans(
        const std::function<bool(const std::string&)>& alive, const std::string& reason,
        const std::function<bool(const ExecutionRecord&)>& keep,
        const std::function<std::string(const ExecutionRecord&)>& before) override {
        return inner_->abandon_orphans(alive, reason, keep, before);
    }
    size_t purge(int64_t before_us) override { return inner_->purge(before_us); }
    std::optional<KeyValue> kv_get(const std::string& scope, const std::string& user,
                                   const std::string& name) override {
        return inner_->kv_get(scope, user, name);
    }
    void kv_set(const KeyValue& kv) override { inner_->kv_set(kv); }
    bool kv_delete(const std::string& scope, const std::string& user, const std::string& name) override {
        return inner_->kv_delete(scope, user, name);
    }
    std::vector<KeyValue> kv_list(const std::string& scope, const std::string& user,
                                  const std::string& prefix) override {
        return inner_->kv_list(scope, user, prefix);
    }
    void api_key_add(const ApiKeyRecord& key) override { inner_->api_key_add(key); }
    std::optional<ApiKeyRecord> api_key_by_hash(const std::string& key_hash) override {
        return inner_->api_key_by_hash(key_hash);
    }
    std::vector<ApiKeyRecord> api_keys() override { return inner_->api_keys(); }
    bool api_key_delete(const std::string& id_or_name) override { return inner_->api_key_delete(id_or_name); }
    void request_control(const ControlRequest& request) override { inner_->request_control(request); }
    std::vector<ControlRequest> take_control_requests(const std::string& owner) override {
        return inner_->take_control_requests(owner);
    }

    void rule_put(const StoredRuleRecord& rule) override { inner_->rule_put(rule); }
    std::optional<StoredRuleRecord> stored_rule(const std::string& ref) override { return inner_->stored_rule(ref); }
    std::vector<StoredRuleRecord> stored_rules() override { return inner_->stored_rules(); }
    bool rule_delete(const std::string& ref) override { return inner_->rule_delete(ref); }
    void set_switch(const std::string& kind, const std::string& ref, bool enabled) override {
        inner_->set_switch(kind, ref, enabled);
    }
    std::map<std::string, bool> switches(const std::string& kind) override { return inner_->switches(kind); }
    int64_t config_generation() override { return inner_->config_generation(); }

protected:
    std::unique_ptr<Store> inner_;
};

}  // namespace packhost::store

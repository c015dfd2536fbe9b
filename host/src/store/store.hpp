#pragma once
// Where executions, their output, and (later) the datastore are kept. An
// interface, so that an embedded SQLite file serves one host and PostgreSQL
// several; the rest of packhost sees only this.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json_value.hpp"
#include "core/status.hpp"

namespace packhost::store {

// An execution as stored. Secret parameter values never appear in
// `parameters` (masked); their real values, needed to re-run, are in
// `sealed_secrets`, encrypted.
struct ExecutionRecord {
    std::string id;
    std::string action;  // ref
    std::string runner_type;
    core::Status status = core::Status::requested;
    Json parameters = Json::object();
    std::string sealed_secrets;  // encrypted JSON object; empty when none
    Json result;
    Json context = Json::object();
    // The context already printed as JSON text, when whoever saves the
    // record has it (an execution prints its context once, for native
    // actions): saved instead of `context`, which is then left empty.
    // Records read back from a store carry `context` only.
    std::shared_ptr<const std::string> context_text;
    Json log = Json::array();  // [{"status", "timestamp"}] (µs since epoch)
    std::string parent;        // parent execution id, or empty
    std::string owner;         // the process running it ("pid:start")
    std::string process;       // the process group it started (a script's), "pid:start"; empty when none
    int64_t start_us = 0;
    int64_t end_us = 0;  // 0 while unfinished
};

struct OutputRecord {
    std::string execution_id;
    int64_t seq = 0;
    std::string stream;  // "stdout" | "stderr"
    std::string data;
    int64_t timestamp_us = 0;
};

// A datastore entry. `value` is the sealed (encrypted) text when `secret`.
struct KeyValue {
    std::string scope;  // "system" or "user"
    std::string user;   // the owner of a user-scope key; empty for system
    std::string name;
    std::string value;
    bool secret = false;
    int64_t expire_us = 0;  // 0: never
    int64_t updated_us = 0;
};

// One part of a workflow's recorded state (seq -1: the workflow's own, >= 0:
// one task's); a later save of the same (execution_id, seq) replaces it.
struct WorkflowStateRecord {
    std::string execution_id;
    int64_t seq = -1;
    std::string state;  // JSON text
};

// A key for the REST API. The key itself is shown once, when made; the
// store keeps a hash of it (hex SHA-256) to recognise it by.
struct ApiKeyRecord {
    std::string id;
    std::string name;
    std::string user;  // whom requests made with it act as
    std::string key_hash;
    int64_t created_us = 0;
};

// A trigger instance as StackStorm keeps it (TriggerInstanceDB): what
// happened, when, and where its processing stands.
struct TriggerInstanceRecord {
    std::string id;
    std::string trigger;  // the trigger type's ref, "core.st2.webhook"
    SharedJson payload = share(Json::object());
    int64_t occurrence_us = 0;
    // pending, processing, processed, processing_failed; rejected when the
    // payload did not fit its trigger type's schema (`reason` says why).
    std::string status = "pending";
    Json parameters = Json::object();  // which trigger of a parametrized type (a webhook's {url})
    std::string reason;
};

struct TriggerInstanceFilter {
    std::optional<std::string> trigger;
    std::optional<std::string> status;
    size_t limit = 50;
};

// What a rule did with a trigger instance (StackStorm's rule enforcement):
// the execution it started, or why it could not.
struct RuleEnforcementRecord {
    std::string id;
    std::string rule;  // the rule's ref
    std::string trigger_instance_id;
    std::string execution_id;    // empty when it failed
    std::string failure_reason;  // empty when it succeeded
    int64_t enforced_us = 0;
    std::string status() const { return failure_reason.empty() ? "succeeded" : "failed"; }
};

struct RuleEnforcementFilter {
    std::optional<std::string> rule;
    std::optional<std::string> trigger_instance;
    size_t limit = 50;
};

// A rule kept in the store (`packhost rule create`): its document as JSON.
struct StoredRuleRecord {
    std::string ref;
    Json document = Json::object();
    int64_t created_us = 0;
    int64_t updated_us = 0;
};

// Something asked of the process that runs an execution.
struct ControlRequest {
    std::string execution_id;
    core::Control kind = core::Control::cancel;
};

struct ExecutionFilter {
    std::optional<std::string> action;
    std::optional<core::Status> status;
    std::optional<std::string> parent;
    size_t limit = 50;
};

// The store could not write what it was given (a full disk, an I/O error).
// Writes that fail are kept and tried again; whoever waits for them to be
// on disk gets this instead of a silent success.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Store {
public:
    virtual ~Store() = default;

    // Queued and written in batches by a background writer; a later save of
    // the same id replaces the earlier one. Never blocks on the disk.
    // Returns a ticket for wait_durable().
    uint64_t save(ExecutionRecord record) {
        return save_shared(std::make_shared<const ExecutionRecord>(std::move(record)));
    }
    // save() of a record that others read too: the store and the decorators
    // in front of it (the event stream keeps each state for its readers)
    // hold the one record instead of copying its JSON trees.
    virtual uint64_t save_shared(std::shared_ptr<const ExecutionRecord> record) = 0;
    virtual void append_output(OutputRecord chunk) = 0;
    virtual void save_workflow_state(WorkflowStateRecord part) = 0;
    // Queued like save(); a later save of the same id replaces it.
    virtual uint64_t save_trigger_instance(TriggerInstanceRecord record) = 0;
    virtual void save_rule_enforcement(RuleEnforcementRecord record) = 0;
    // Returns once what the ticket stands for (and everything queued before
    // it) is on disk; throws StoreError when writing it failed. Concurrent
    // waiters share one commit.
    virtual void wait_durable(uint64_t ticket) = 0;
    // The same without waiting: `done` gets null once what the ticket stands
    // for is on disk, or the StoreError when writing it failed. Called on
    // the store's writer thread (so it must be quick and must not wait on
    // the store), or at once on the caller's when there is nothing to wait for.
    virtual void when_durable(uint64_t ticket, std::function<void(std::exception_ptr)> done) = 0;
    // Returns once everything queued before the call is on disk; throws
    // StoreError when writing it failed.
    virtual void flush() = 0;
    // Whether writes are going through, and why not.
    struct Health {
        bool ok = true;
        std::string last_error;  // empty when ok
        uint64_t pending = 0;    // queued, not yet on disk
    };
    virtual Health health() = 0;

    virtual std::optional<ExecutionRecord> execution(const std::string& id) = 0;
    // Newest first.
    virtual std::vector<ExecutionRecord> executions(const ExecutionFilter& filter) = 0;
    virtual std::vector<OutputRecord> output(const std::string& id, int64_t after_seq = -1) = 0;
    // Ordered by seq.
    virtual std::vector<WorkflowStateRecord> workflow_state(const std::string& execution_id) = 0;
    virtual std::optional<TriggerInstanceRecord> trigger_instance(const std::string& id) = 0;
    // Newest first.
    virtual std::vector<TriggerInstanceRecord> trigger_instances(const TriggerInstanceFilter& filter) = 0;
    virtual std::optional<RuleEnforcementRecord> rule_enforcement(const std::string& id) = 0;
    // Newest first.
    virtual std::vector<RuleEnforcementRecord> rule_enforcements(const RuleEnforcementFilter& filter) = 0;
    // Every unfinished execution, oldest first.
    virtual std::vector<ExecutionRecord> unfinished() = 0;
    // Makes `new_owner` the owner of an unfinished execution still owned by
    // `old_owner`; false when another process got there first.
    virtual bool claim(const std::string& id, const std::string& old_owner, const std::string& new_owner) = 0;

    // Marks every unfinished execution whose owner is not alive as
    // abandoned (status log, end time, result {"error": reason}), except
    // those `keep` says another process may continue; returns their ids.
    // `before` is called with each one first (to end what it left running)
    // and what it returns is added to the reason.
    virtual std::vector<std::string> abandon_orphans(
        const std::function<bool(const std::string&)>& owner_alive, const std::string& reason,
        const std::function<bool(const ExecutionRecord&)>& keep = nullptr,
        const std::function<std::string(const ExecutionRecord&)>& before = nullptr) = 0;
    // Deletes finished executions (and their output and workflow state)
    // that ended before `before_us`, and trigger instances that occurred
    // before it; returns how many executions.
    virtual size_t purge(int64_t before_us) = 0;

    // The datastore; written at once (not batched). Expired keys are never
    // returned.
    virtual std::optional<KeyValue> kv_get(const std::string& scope, const std::string& user,
                                           const std::string& name) = 0;
    virtual void kv_set(const KeyValue& kv) = 0;
    virtual bool kv_delete(const std::string& scope, const std::string& user, const std::string& name) = 0;
    virtual std::vector<KeyValue> kv_list(const std::string& scope, const std::string& user,
                                          const std::string& prefix) = 0;

    // API keys; written at once. A delete names the key by id or name. A
    // key found may be remembered for a second: one deleted through another
    // store (another process) may still be found during that second.
    virtual void api_key_add(const ApiKeyRecord& key) = 0;
    virtual std::optional<ApiKeyRecord> api_key_by_hash(const std::string& key_hash) = 0;
    virtual std::vector<ApiKeyRecord> api_keys() = 0;
    virtual bool api_key_delete(const std::string& id_or_name) = 0;

    // Rules kept in the store, and the on/off switches of things the packs
    // define (`kind` "rule" or "sensor"); written at once. Each write bumps
    // config_generation(), which a running host polls to reread them.
    virtual void rule_put(const StoredRuleRecord& rule) = 0;
    virtual std::optional<StoredRuleRecord> stored_rule(const std::string& ref) = 0;
    // Sorted by ref.
    virtual std::vector<StoredRuleRecord> stored_rules() = 0;
    virtual bool rule_delete(const std::string& ref) = 0;
    virtual void set_switch(const std::string& kind, const std::string& ref, bool enabled) = 0;
    virtual std::map<std::string, bool> switches(const std::string& kind) = 0;
    virtual int64_t config_generation() = 0;

    // Requests across processes: any process may ask, the owner takes them
    // (oldest first).
    virtual void request_control(const ControlRequest& request) = 0;
    virtual std::vector<ControlRequest> take_control_requests(const std::string& owner) = 0;
};

// Closes a record that is not running here (its process ended, or it was
// never started): the status, the end time, the status log entry and the
// result ({"error": reason} unless given). The one place a stored record is
// closed by hand; a live execution closes through its own transition.
void close_record(ExecutionRecord& record, core::Status status, Json result, int64_t now_us);

// The SQLite store in one file (created with its directory when missing).
// Throws std::runtime_error naming the file when it cannot be opened or its
// schema is newer than this packhost.
std::unique_ptr<Store> open_sqlite_store(const std::string& file);

// This process, as recorded in ExecutionRecord::owner, and whether the
// process an owner string names is still running on this machine.
const std::string& this_process_owner();
bool owner_alive(const std::string& owner);
// Another process of this machine the same way ("pid:start"), for
// ExecutionRecord::process; empty when it does not exist.
std::string process_identity(long pid);

}  // namespace packhost::store

#include "store/sqlite/schema.hpp"

namespace packhost::store::sqlite {

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> m = {
        // 1: executions, their output, cross-process cancel requests.
        R"sql(
        CREATE TABLE executions (
            id TEXT PRIMARY KEY,
            action TEXT NOT NULL,
            runner_type TEXT NOT NULL,
            status TEXT NOT NULL,
            parameters TEXT NOT NULL,
            sealed_secrets TEXT NOT NULL DEFAULT '',
            result TEXT,
            context TEXT NOT NULL,
            log TEXT NOT NULL,
            parent TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            start_us INTEGER NOT NULL,
            end_us INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX executions_by_start ON executions(start_us);
        CREATE INDEX executions_by_action ON executions(action, start_us);
        CREATE INDEX executions_by_status ON executions(status, start_us);
        CREATE INDEX executions_by_parent ON executions(parent);
        CREATE INDEX executions_unfinished ON executions(end_us) WHERE end_us = 0;
        CREATE TABLE execution_output (
            execution_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            stream TEXT NOT NULL,
            data BLOB NOT NULL,
            timestamp_us INTEGER NOT NULL,
            PRIMARY KEY (execution_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE cancel_requests (
            execution_id TEXT PRIMARY KEY,
            requested_us INTEGER NOT NULL
        );
        )sql",
        // 2: the datastore.
        R"sql(
        CREATE TABLE kv (
            scope TEXT NOT NULL,
            user TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            secret INTEGER NOT NULL,
            expire_us INTEGER NOT NULL DEFAULT 0,
            updated_us INTEGER NOT NULL,
            PRIMARY KEY (scope, user, name)
        ) WITHOUT ROWID;
        )sql",
        // 3: workflow state; cancel requests become control requests
        // (cancel, pause, resume), kept in the order they were made.
        R"sql(
        CREATE TABLE workflow_state (
            execution_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (execution_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE control_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            execution_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            requested_us INTEGER NOT NULL
        );
        INSERT INTO control_requests (execution_id, kind, requested_us)
            SELECT execution_id, 'cancel', requested_us FROM cancel_requests;
        DROP TABLE cancel_requests;
        )sql",
        // 4: the process group a script's execution started, so that whoever
        // finds it abandoned can end what is left of it.
        R"sql(
        ALTER TABLE executions ADD COLUMN process TEXT NOT NULL DEFAULT '';
        )sql",
        // 5: API keys for the REST API; only a hash of each key is kept.
        R"sql(
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            user TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            created_us INTEGER NOT NULL
        );
        )sql",
        // 6: trigger instances (webhooks, sensors), StackStorm's fields.
        R"sql(
        CREATE TABLE trigger_instances (
            id TEXT PRIMARY KEY,
            trigger TEXT NOT NULL,
            payload TEXT NOT NULL,
            occurrence_us INTEGER NOT NULL,
            status TEXT NOT NULL
        );
        CREATE INDEX trigger_instances_by_time ON trigger_instances(occurrence_us);
        CREATE INDEX trigger_instances_by_trigger ON trigger_instances(trigger, occurrence_us);
        )sql",
        // 7: what rules did with trigger instances (StackStorm's rule enforcements).
        R"sql(
        CREATE TABLE rule_enforcements (
            id TEXT PRIMARY KEY,
            rule TEXT NOT NULL,
            trigger_instance_id TEXT NOT NULL,
            execution_id TEXT NOT NULL,
            failure_reason TEXT NOT NULL,
            enforced_us INTEGER NOT NULL
        );
        CREATE INDEX rule_enforcements_by_time ON rule_enforcements(enforced_us);
        CREATE INDEX rule_enforcements_by_rule ON rule_enforcements(rule, enforced_us);
        CREATE INDEX rule_enforcements_by_instance ON rule_enforcements(trigger_instance_id);
        )sql",
        // 8: which trigger of a parametrized type an instance is, why one was
        // rejected; rules kept in the store, the on/off switches of the packs'
        // rules and sensors, and a counter a running host watches to reread them.
        R"sql(
        ALTER TABLE trigger_instances ADD COLUMN parameters TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE trigger_instances ADD COLUMN reason TEXT NOT NULL DEFAULT '';
        CREATE TABLE rules (
            ref TEXT PRIMARY KEY,
            document TEXT NOT NULL,
            created_us INTEGER NOT NULL,
            updated_us INTEGER NOT NULL
        );
        CREATE TABLE switches (
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            PRIMARY KEY (kind, ref)
        ) WITHOUT ROWID;
        CREATE TABLE generations (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        )sql",
    };
    return m;
}

}  // namespace packhost::store::sqlite

// The embedded store: one SQLite file in WAL mode. Writes go through one
// background thread that commits whatever has queued up in a single
// transaction, so recording costs an execution a queue push, not a commit.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "core/private_files.hpp"
#include "store/sqlite/schema.hpp"
#include "store/store.hpp"

namespace packhost::store {
namespace {

std::string dump(const Json& j) {
    try {
        return core::to_json_text(j);
    } catch (const core::JsonTextError&) {
        // Deeper than the printer goes (a result wrapped by many workflow
        // levels): nlohmann's recursion still manages; the record is kept.
        return j.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
}

// A stored value that cannot be read (written by something else, or nested
// past the limit) shows as an error in its place rather than failing the
// whole read. `fallback` keeps the shape callers expect (an object, a list).
// `record` names it: "execution ID".
Json parse(const std::string& text, const std::string& record, const char* column, Json fallback) {
    try {
        return core::parse_json(text, record + ": stored " + column);
    } catch (const core::JsonTextError& e) {
        core::log::warn("{}", e.what());
        if (fallback.is_object()) fallback["error"] = e.what();
        return fallback;
    }
}

// busy_timeout first: several packhost processes may open one file at once,
// and switching to WAL takes a lock too.
void configure(SQLite::Database& db) {
    db.exec("PRAGMA busy_timeout=10000");
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    // Most commands are one short process. Checkpointing at every exit
    // costs four fdatasyncs (the WAL's header and folder when it is made
    // again, the WAL and the database at the checkpoint), more than the rest
    // of `packhost run`. So the WAL stays between processes, kept small by
    // the store itself (SqliteStore::checkpoint_if_due while it writes, and
    // at its exit when the WAL is over 128 pages), so that the next process
    // to open the file, which reads the WAL's live frames to rebuild its
    // index, reads little. Committed records are in the WAL either way.
    // SQLite's own size limit is left for what commits before the store
    // takes over (a schema migration).
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    db.exec("PRAGMA wal_autocheckpoint=128");
}

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const std::string& file)
        : file_(file), writer_db_(open(file)), reader_db_(open(file)), writer_([this] { write_loop(); }) {
        // Replaces the size-based checkpoint on the writer's connection,
        // which ran inside a commit: see checkpoint_if_due().
        sqlite3_wal_hook(writer_db_.getHandle(), &SqliteStore::on_wal_commit, this);
        // A WAL frame is a page and its 24-byte header, after the file's 32-byte header.
        wal_bytes_left_ = 32 + kWalFramesLeft * (writer_db_.execAndGet("PRAGMA page_size").getInt64() + 24);
    }

    ~SqliteStore() override {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        cv_.notify_all();
        writer_.join();
        // The next process to open the file reads the WAL to rebuild its
        // index: leave it empty when it grew past what configure() allows.
        // (Not when another process is reading it: that one keeps the
        // index, and this one does not wait for it.)
        std::error_code ec;
        auto wal_bytes = std::filesystem::file_size(file_ + "-wal", ec);
        if (!ec && wal_bytes > static_cast<uintmax_t>(wal_bytes_left_)) {
            sqlite3_busy_timeout(writer_db_.getHandle(), 0);
            checkpoint(SQLITE_CHECKPOINT_TRUNCATE);
        }
    }

    // The JSON is written out as text by the writer thread, and only for the
    // last record of an execution in a batch: the caller (a worker between
    // two tasks of a workflow) does not pay for it. The record's trees are
    // freed by whichever lets go of it last (this writer or the event
    // stream's ring), in another thread than made them, which jemalloc
    // (cmake/Dependencies.cmake) makes cheap.
    uint64_t save_shared(std::shared_ptr<const ExecutionRecord> r) override { return push(ExecutionRow{std::move(r)}); }
    void append_output(OutputRecord chunk) override { push(std::move(chunk)); }
    uint64_t save_trigger_instance(TriggerInstanceRecord r) override { return push(std::move(r)); }
    void save_rule_enforcement(RuleEnforcementRecord r) override { push(std::move(r)); }
    void save_workflow_state(WorkflowStateRecord part) override {
        push(StateRow{std::move(part.execution_id), part.seq, std::move(part.state)});
    }

    void flush() override {
        uint64_t target;
        {
            std::lock_guard lock(mu_);
            target = enqueued_;
        }
        wait_durable(target);
    }

    void wait_durable(uint64_t ticket) override {
        std::unique_lock lock(mu_);
        if (written_ >= ticket) return;
        ++flush_waiters_;
        cv_.notify_one();
        // Done when it is written, or when an attempt to write it failed.
        done_cv_.wait(lock, [&] { return written_ >= ticket || failed_upto_ >= ticket; });
        --flush_waiters_;
        if (written_ < ticket) throw StoreError("store " + file_ + ": cannot write: " + last_error_);
    }

    std::exception_ptr cannot_write() const {
        return std::make_exception_ptr(
            StoreError("store " + file_ + ": cannot write: " + (last_error_.empty() ? "closed" : last_error_)));
    }

    // Under mu_: the callbacks for tickets up to `upto`, taken out to be
    // called outside the lock.
    std::vector<std::function<void(std::exception_ptr)>> take_callbacks(uint64_t upto) {
        std::vector<std::function<void(std::exception_ptr)>> due;
        auto end = durable_callbacks_.upper_bound(upto);
        for (auto it = durable_callbacks_.begin(); it != end; ++it) due.push_back(std::move(it->second));
        durable_callbacks_.erase(durable_callbacks_.begin(), end);
        return due;
    }

    void when_durable(uint64_t ticket, std::function<void(std::exception_ptr)> done) override {
        std::exception_ptr error;
        {
            std::lock_guard lock(mu_);
            if (written_ < ticket && !writer_gone_) {
                durable_callbacks_.emplace(ticket, std::move(done));
                cv_.notify_one();
                return;
            }
            if (written_ < ticket) error = cannot_write();
        }
        done(error);
    }

    Health health() override {
        std::lock_guard lock(mu_);
        return {last_error_.empty(), last_error_, enqueued_ - written_};
    }

    std::optional<ExecutionRecord> execution(const std::string& id) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kSelect) + " WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep()) return std::nullopt;
        return row(q);
    }

    std::vector<ExecutionRecord> executions(const ExecutionFilter& f) override {
        std::lock_guard lock(read_mu_);
        std::string sql = kSelect;
        std::vector<std::string> args;
        std::string where;
        auto add = [&](const char* clause, const std::optional<std::string>& v) {
            if (!v) return;
            where += (where.empty() ? " WHERE " : " AND ") + std::string(clause);
            args.push_back(*v);
        };
        add("action = ?", f.action);
        std::optional<std::string> status;
        if (f.status) status = std::string(core::to_string(*f.status));
        add("status = ?", status);
        add("parent = ?", f.parent);
        sql += where + " ORDER BY start_us DESC, id DESC LIMIT ?";
        SQLite::Statement q(reader_db_, sql);
        int i = 1;
        for (const auto& a : args) q.bind(i++, a);
        q.bind(i, static_cast<int64_t>(f.limit));
        std::vector<ExecutionRecord> out;
        while (q.executeStep()) out.push_back(row(q));
        return out;
    }

    std::vector<OutputRecord> output(const std::string& id, int64_t after_seq) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_,
                            "SELECT seq, stream, data, timestamp_us FROM execution_output "
                            "WHERE execution_id = ? AND seq > ? ORDER BY seq");
        q.bind(1, id);
        q.bind(2, after_seq);
        std::vector<OutputRecord> out;
        while (q.executeStep()) {
            OutputRecord o;
            o.execution_id = id;
            o.seq = q.getColumn(0).getInt64();
            o.stream = q.getColumn(1).getString();
            auto blob = q.getColumn(2);
            o.data.assign(static_cast<const char*>(blob.getBlob()), static_cast<size_t>(blob.getBytes()));
            o.timestamp_us = q.getColumn(3).getInt64();
            out.push_back(std::move(o));
        }
        return out;
    }

    std::vector<WorkflowStateRecord> workflow_state(const std::string& id) override {
        flush();
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, "SELECT seq, state FROM workflow_state WHERE execution_id = ? ORDER BY seq");
        q.bind(1, id);
        std::vector<WorkflowStateRecord> out;
        while (q.executeStep()) {
            out.push_back({id, q.getColumn(0).getInt64(), q.getColumn(1).getString()});
        }
        return out;
    }

    std::optional<TriggerInstanceRecord> trigger_instance(const std::string& id) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kTriggerSelect) + " WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep()) return std::nullopt;
        return trigger_row(q);
    }

    std::vector<TriggerInstanceRecord> trigger_instances(const TriggerInstanceFilter& f) override {
        std::lock_guard lock(read_mu_);
        std::string sql = kTriggerSelect;
        if (f.trigger && f.status) {
            sql += " WHERE trigger = ? AND status = ?";
        } else if (f.trigger) {
            sql += " WHERE trigger = ?";
        } else if (f.status) {
            sql += " WHERE status = ?";
        }
        sql += " ORDER BY occurrence_us DESC, id DESC LIMIT ?";
        SQLite::Statement q(reader_db_, sql);
        int i = 1;
        if (f.trigger) q.bind(i++, *f.trigger);
        if (f.status) q.bind(i++, *f.status);
        q.bind(i, static_cast<int64_t>(f.limit));
        std::vector<TriggerInstanceRecord> out;
        while (q.executeStep()) out.push_back(trigger_row(q));
        return out;
    }

    std::optional<RuleEnforcementRecord> rule_enforcement(const std::string& id) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kEnforcementSelect) + " WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep()) return std::nullopt;
        return enforcement_row(q);
    }

    std::vector<RuleEnforcementRecord> rule_enforcements(const RuleEnforcementFilter& f) override {
        std::lock_guard lock(read_mu_);
        std::string sql = kEnforcementSelect;
        std::vector<std::string> where;
        if (f.rule) where.emplace_back("rule = ?");
        if (f.trigger_instance) where.emplace_back("trigger_instance_id = ?");
        for (size_t i = 0; i < where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + where[i];
        sql += " ORDER BY enforced_us DESC, id DESC LIMIT ?";
        SQLite::Statement q(reader_db_, sql);
        int i = 1;
        if (f.rule) q.bind(i++, *f.rule);
        if (f.trigger_instance) q.bind(i++, *f.trigger_instance);
        q.bind(i, static_cast<int64_t>(f.limit));
        std::vector<RuleEnforcementRecord> out;
        while (q.executeStep()) out.push_back(enforcement_row(q));
        return out;
    }

    std::vector<ExecutionRecord> unfinished() override {
        flush();
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kSelect) + " WHERE end_us = 0 ORDER BY start_us, id");
        std::vector<ExecutionRecord> out;
        while (q.executeStep()) out.push_back(row(q));
        return out;
    }

    bool claim(const std::string& id, const std::string& old_owner, const std::string& new_owner) override {
        flush();
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_, "UPDATE executions SET owner = ? WHERE id = ? AND owner = ? AND end_us = 0");
        q.bind(1, new_owner);
        q.bind(2, id);
        q.bind(3, old_owner);
        return q.exec() == 1;
    }

    std::vector<std::string> abandon_orphans(
        const std::function<bool(const std::string&)>& alive, const std::string& reason,
        const std::function<bool(const ExecutionRecord&)>& keep,
        const std::function<std::string(const ExecutionRecord&)>& before) override {
        std::vector<ExecutionRecord> orphans;
        for (auto& r : unfinished()) {
            if (!alive(r.owner) && !(keep && keep(r))) orphans.push_back(std::move(r));
        }
        std::vector<std::string> ids;
        int64_t now = core::now_us();
        for (auto& r : orphans) {
            std::string more = before ? before(r) : std::string();
            close_record(r, core::Status::abandoned, {{"error", reason + more}}, now);
            ids.push_back(r.id);
            save(std::move(r));
        }
        flush();
        return ids;
    }

    size_t purge(int64_t before_us) override {
        flush();
        std::lock_guard lock(write_mu_);
        SQLite::Transaction tx(writer_db_);
        for (const char* table : {"execution_output", "workflow_state"}) {
            SQLite::Statement out(writer_db_, std::string("DELETE FROM ") + table +
                                                  " WHERE execution_id IN "
                                                  "(SELECT id FROM executions WHERE end_us != 0 AND end_us < ?)");
            out.bind(1, before_us);
            out.exec();
        }
        SQLite::Statement q(writer_db_, "DELETE FROM executions WHERE end_us != 0 AND end_us < ?");
        q.bind(1, before_us);
        size_t n = static_cast<size_t>(q.exec());
        SQLite::Statement t(writer_db_, "DELETE FROM trigger_instances WHERE occurrence_us < ?");
        t.bind(1, before_us);
        t.exec();
        SQLite::Statement re(writer_db_, "DELETE FROM rule_enforcements WHERE enforced_us < ?");
        re.bind(1, before_us);
        re.exec();
        tx.commit();
        return n;
    }

    std::optional<KeyValue> kv_get(const std::string& scope, const std::string& user,
                                   const std::string& name) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_,
                            std::string(kKvSelect) + " WHERE scope = ? AND user = ? AND name = ? AND " + kLive);
        q.bind(1, scope);
        q.bind(2, user);
        q.bind(3, name);
        q.bind(4, core::now_us());
        if (!q.executeStep()) return std::nullopt;
        return kv_row(q);
    }

    void kv_set(const KeyValue& kv) override {
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_, "INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, kv.scope);
        q.bind(2, kv.user);
        q.bind(3, kv.name);
        q.bind(4, kv.value);
        q.bind(5, kv.secret ? 1 : 0);
        q.bind(6, kv.expire_us);
        q.bind(7, kv.updated_us);
        q.exec();
    }

    bool kv_delete(const std::string& scope, const std::string& user, const std::string& name) override {
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_, "DELETE FROM kv WHERE scope = ? AND user = ? AND name = ?");
        q.bind(1, scope);
        q.bind(2, user);
        q.bind(3, name);
        bool existed = q.exec() > 0;
        // Expired keys go at the same time: nobody can read them any more.
        SQLite::Statement gc(writer_db_, "DELETE FROM kv WHERE expire_us != 0 AND expire_us <= ?");
        gc.bind(1, core::now_us());
        gc.exec();
        return existed;
    }

    std::vector<KeyValue> kv_list(const std::string& scope, const std::string& user,
                                  const std::string& prefix) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kKvSelect) + " WHERE scope = ? AND user = ? AND " + kLive +
                                            " AND substr(name, 1, ?) = ? ORDER BY name");
        q.bind(1, scope);
        q.bind(2, user);
        q.bind(3, core::now_us());
        q.bind(4, static_cast<int>(prefix.size()));
        q.bind(5, prefix);
        std::vector<KeyValue> out;
        while (q.executeStep()) out.push_back(kv_row(q));
        return out;
    }

    void api_key_add(const ApiKeyRecord& key) override {
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_, "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?)");
        q.bind(1, key.id);
        q.bind(2, key.name);
        q.bind(3, key.user);
        q.bind(4, key.key_hash);
        q.bind(5, key.created_us);
        q.exec();
    }

    // Asked on every request to the API. A key found is remembered for
    // kApiKeyRecheck: a read transaction per request, each queued on the
    // reader's lock, cost serve a third of its webhook throughput. A key
    // deleted through this store is forgotten at once; one deleted by
    // another process is refused once its entry is older than that.
    std::optional<ApiKeyRecord> api_key_by_hash(const std::string& key_hash) override {
        int64_t now = core::monotonic_ns();
        uint64_t deletions;
        {
            std::lock_guard lock(api_key_cache_mu_);
            if (auto it = api_key_cache_.find(key_hash);
                it != api_key_cache_.end() && now - it->second.looked_up_ns < kApiKeyRecheck.count())
                return it->second.record;
            deletions = api_key_deletions_;
        }
        auto found = look_up_api_key(key_hash);
        std::lock_guard lock(api_key_cache_mu_);
        if (found && deletions == api_key_deletions_) {  // not read just before a delete here
            api_key_cache_[key_hash] = {*found, now};
        } else {
            api_key_cache_.erase(key_hash);
        }
        return found;
    }

    // Prepared once, and reset after each use so that it holds no read
    // snapshot between requests.
    std::optional<ApiKeyRecord> look_up_api_key(const std::string& key_hash) {
        std::lock_guard lock(read_mu_);
        if (!api_key_lookup_) api_key_lookup_.emplace(reader_db_, std::string(kApiKeySelect) + " WHERE key_hash = ?");
        auto& q = *api_key_lookup_;
        q.reset();
        q.bind(1, key_hash);
        std::optional<ApiKeyRecord> found;
        if (q.executeStep()) found = api_key_row(q);
        q.reset();
        return found;
    }

    std::vector<ApiKeyRecord> api_keys() override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kApiKeySelect) + " ORDER BY created_us, id");
        std::vector<ApiKeyRecord> out;
        while (q.executeStep()) out.push_back(api_key_row(q));
        return out;
    }

    bool api_key_delete(const std::string& id_or_name) override {
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_, "DELETE FROM api_keys WHERE id = ? OR name = ?");
        q.bind(1, id_or_name);
        q.bind(2, id_or_name);
        bool deleted = q.exec() > 0;
        std::lock_guard forget(api_key_cache_mu_);
        api_key_cache_.clear();
        ++api_key_deletions_;
        return deleted;
    }

    void rule_put(const StoredRuleRecord& rule) override {
        std::lock_guard lock(write_mu_);
        SQLite::Transaction tx(writer_db_);
        SQLite::Statement q(writer_db_,
                            "INSERT INTO rules VALUES (?, ?, ?, ?) ON CONFLICT(ref) DO UPDATE SET "
                            "document = excluded.document, updated_us = excluded.updated_us");
        q.bind(1, rule.ref);
        q.bind(2, dump(rule.document));
        q.bind(3, rule.created_us);
        q.bind(4, rule.updated_us);
        q.exec();
        bump_generation();
        tx.commit();
    }

    std::optional<StoredRuleRecord> stored_rule(const std::string& ref) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kRuleSelect) + " WHERE ref = ?");
        q.bind(1, ref);
        if (!q.executeStep()) return std::nullopt;
        return rule_row(q);
    }

    std::vector<StoredRuleRecord> stored_rules() override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, std::string(kRuleSelect) + " ORDER BY ref");
        std::vector<StoredRuleRecord> out;
        while (q.executeStep()) out.push_back(rule_row(q));
        return out;
    }

    bool rule_delete(const std::string& ref) override {
        std::lock_guard lock(write_mu_);
        SQLite::Transaction tx(writer_db_);
        SQLite::Statement q(writer_db_, "DELETE FROM rules WHERE ref = ?");
        q.bind(1, ref);
        bool deleted = q.exec() > 0;
        SQLite::Statement sw(writer_db_, "DELETE FROM switches WHERE kind = 'rule' AND ref = ?");
        sw.bind(1, ref);
        sw.exec();
        bump_generation();
        tx.commit();
        return deleted;
    }

    void set_switch(const std::string& kind, const std::string& ref, bool enabled) override {
        std::lock_guard lock(write_mu_);
        SQLite::Transaction tx(writer_db_);
        SQLite::Statement q(writer_db_, "INSERT OR REPLACE INTO switches VALUES (?, ?, ?)");
        q.bind(1, kind);
        q.bind(2, ref);
        q.bind(3, enabled ? 1 : 0);
        q.exec();
        bump_generation();
        tx.commit();
    }

    std::map<std::string, bool> switches(const std::string& kind) override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, "SELECT ref, enabled FROM switches WHERE kind = ?");
        q.bind(1, kind);
        std::map<std::string, bool> out;
        while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt() != 0;
        return out;
    }

    int64_t config_generation() override {
        std::lock_guard lock(read_mu_);
        SQLite::Statement q(reader_db_, "SELECT value FROM generations WHERE name = 'config'");
        return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    }

    void request_control(const ControlRequest& request) override {
        std::lock_guard lock(write_mu_);
        SQLite::Statement q(writer_db_,
                            "INSERT INTO control_requests (execution_id, kind, requested_us) VALUES (?, ?, ?)");
        q.bind(1, request.execution_id);
        q.bind(2, std::string(core::to_string(request.kind)));
        q.bind(3, core::now_us());
        q.exec();
    }

    std::vector<ControlRequest> take_control_requests(const std::string& owner) override {
        std::lock_guard lock(write_mu_);
        std::vector<ControlRequest> out;
        // Asked five times a second by a serve, busy or idle. A request is
        // another process's commit (this one's own go straight to its
        // scheduler), and becomes this process's when its execution does
        // (a commit here): unless either happened since the last look, no
        // table needs reading.
        if (!data_version_) data_version_.emplace(writer_db_, "PRAGMA data_version");
        data_version_->executeStep();
        int64_t version = data_version_->getColumn(0).getInt64();
        data_version_->reset();
        sqlite3* db = writer_db_.getHandle();
        if (version == control_looked_at_.first && sqlite3_total_changes64(db) == control_looked_at_.second) return out;
        std::vector<int64_t> ids;
        SQLite::Transaction tx(writer_db_);
        SQLite::Statement q(writer_db_,
                            "SELECT c.id, c.execution_id, c.kind FROM control_requests c "
                            "JOIN executions e ON e.id = c.execution_id WHERE e.owner = ? ORDER BY c.id");
        q.bind(1, owner);
        while (q.executeStep()) {
            ids.push_back(q.getColumn(0).getInt64());
            // Taken (and deleted) even when unknown: a newer packhost's request is not this one's to keep.
            if (auto kind = core::parse_control(q.getColumn(2).getString())) {
                out.push_back({q.getColumn(1).getString(), *kind});
            }
        }
        SQLite::Statement d(writer_db_, "DELETE FROM control_requests WHERE id = ?");
        for (auto id : ids) {
            d.bind(1, id);
            d.exec();
            d.reset();
        }
        tx.commit();
        control_looked_at_ = {version, sqlite3_total_changes64(db)};  // past its own deletes
        return out;
    }

private:
    static constexpr const char* kSelect =
        "SELECT id, action, runner_type, status, parameters, sealed_secrets, result, context, log, parent, owner, "
        "start_us, end_us, process FROM executions";

    static constexpr const char* kApiKeySelect = "SELECT id, name, user, key_hash, created_us FROM api_keys";
    static ApiKeyRecord api_key_row(SQLite::Statement& q) {
        return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                q.getColumn(3).getString(), q.getColumn(4).getInt64()};
    }
    static constexpr const char* kTriggerSelect =
        "SELECT id, trigger, payload, occurrence_us, status, parameters, reason FROM trigger_instances";
    static TriggerInstanceRecord trigger_row(SQLite::Statement& q) {
        TriggerInstanceRecord t;
        t.id = q.getColumn(0).getString();
        t.trigger = q.getColumn(1).getString();
        t.payload = share(parse(q.getColumn(2).getString(), "trigger instance " + t.id, "payload", Json::object()));
        t.occurrence_us = q.getColumn(3).getInt64();
        t.status = q.getColumn(4).getString();
        t.parameters = parse(q.getColumn(5).getString(), "trigger instance " + t.id, "parameters", Json::object());
        t.reason = q.getColumn(6).getString();
        return t;
    }
    static constexpr const char* kRuleSelect = "SELECT ref, document, created_us, updated_us FROM rules";
    static StoredRuleRecord rule_row(SQLite::Statement& q) {
        StoredRuleRecord r;
        r.ref = q.getColumn(0).getString();
        r.document = parse(q.getColumn(1).getString(), "rule " + r.ref, "document", Json::object());
        r.created_us = q.getColumn(2).getInt64();
        r.updated_us = q.getColumn(3).getInt64();
        return r;
    }
    // Inside a write transaction.
    void bump_generation() {
        writer_db_.exec(
            "INSERT INTO generations VALUES ('config', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1");
    }
    static constexpr const char* kEnforcementSelect =
        "SELECT id, rule, trigger_instance_id, execution_id, failure_reason, enforced_us FROM rule_enforcements";
    static RuleEnforcementRecord enforcement_row(SQLite::Statement& q) {
        return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getInt64()};
    }
    static constexpr const char* kKvSelect = "SELECT scope, user, name, value, secret, expire_us, updated_us FROM kv";
    static constexpr const char* kLive = "(expire_us = 0 OR expire_us > ?)";

    static KeyValue kv_row(SQLite::Statement& q) {
        KeyValue kv;
        kv.scope = q.getColumn(0).getString();
        kv.user = q.getColumn(1).getString();
        kv.name = q.getColumn(2).getString();
        kv.value = q.getColumn(3).getString();
        kv.secret = q.getColumn(4).getInt() != 0;
        kv.expire_us = q.getColumn(5).getInt64();
        kv.updated_us = q.getColumn(6).getInt64();
        return kv;
    }

    struct ExecutionRow {
        std::shared_ptr<const ExecutionRecord> record;
    };
    struct StateRow {
        std::string execution_id;
        int64_t seq;
        std::string state;
    };
    using Item = std::variant<ExecutionRow, OutputRecord, StateRow, TriggerInstanceRecord, RuleEnforcementRecord>;

    static SQLite::Database open(const std::string& file) {
        // SQLite gives the WAL and SHM files the database file's mode, so a
        // private database keeps its journal private too.
        if (core::ensure_private_file(file)) {
            core::log::info("{}: made private (mode 0600): it holds the execution history", file);
        }
        for (const char* suffix : {"-wal", "-shm"}) {
            std::error_code ec;
            if (std::filesystem::exists(file + suffix, ec)) core::ensure_private_file(file + suffix);
        }
        // Switching a fresh file to WAL and migrating it can answer
        // SQLITE_BUSY without waiting (SQLite skips the busy handler where
        // waiting could deadlock) when several processes open it at once:
        // start over for a while instead of failing.
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (true) {
            try {
                SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, 10000);
                configure(db);
                migrate(db, file);
                return db;
            } catch (const SQLite::Exception& e) {
                int code = e.getErrorCode() & 0xff;
                if ((code == SQLITE_BUSY || code == SQLITE_LOCKED) && std::chrono::steady_clock::now() < until) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20 + std::rand() % 30));
                    continue;
                }
                throw std::runtime_error(file + ": cannot open the store: " + e.what());
            }
        }
    }

    static void migrate(SQLite::Database& db, const std::string& file) {
        const auto& m = sqlite::migrations();
        // Most opens find the schema current: no write lock taken for them.
        if (db.execAndGet("PRAGMA user_version").getInt() == static_cast<int>(m.size())) return;
        // Serialise migrations between processes opening a fresh file together.
        db.exec("BEGIN IMMEDIATE");
        try {
            int version = db.execAndGet("PRAGMA user_version").getInt();
            if (version > static_cast<int>(m.size())) {
                throw std::runtime_error(file + ": schema version " + std::to_string(version) +
                                         " is newer than this packhost understands (" + std::to_string(m.size()) + ")");
            }
            for (size_t v = static_cast<size_t>(version); v < m.size(); ++v) {
                db.exec(m[v]);
                db.exec("PRAGMA user_version = " + std::to_string(v + 1));
            }
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
    }

    static ExecutionRecord row(SQLite::Statement& q) {
        ExecutionRecord r;
        r.id = q.getColumn(0).getString();
        r.action = q.getColumn(1).getString();
        r.runner_type = q.getColumn(2).getString();
        // A status this packhost does not know (a newer one wrote it) reads as failed.
        r.status = core::parse_status(q.getColumn(3).getString()).value_or(core::Status::failed);
        r.parameters = parse(q.getColumn(4).getString(), "execution " + r.id, "parameters", Json::object());
        r.sealed_secrets = q.getColumn(5).getString();
        r.result = q.getColumn(6).isNull()
                       ? Json()
                       : parse(q.getColumn(6).getString(), "execution " + r.id, "result", Json::object());
        r.context = parse(q.getColumn(7).getString(), "execution " + r.id, "context", Json::object());
        r.log = parse(q.getColumn(8).getString(), "execution " + r.id, "log", Json::array());
        r.parent = q.getColumn(9).getString();
        r.owner = q.getColumn(10).getString();
        r.start_us = q.getColumn(11).getInt64();
        r.end_us = q.getColumn(12).getInt64();
        r.process = q.getColumn(13).getString();
        return r;
    }

    uint64_t push(Item item) {
        bool wake;
        uint64_t ticket;
        {
            std::lock_guard lock(mu_);
            queue_.push_back(std::move(item));
            ticket = ++enqueued_;
            wake = writer_idle_;
            writer_idle_ = false;
        }
        // Only the push that finds the writer asleep pays for waking it.
        // (Waking it later, once a chat reply is out, made the reply slower:
        // the writer then competes with the reply's readers for the CPUs.)
        if (wake) cv_.notify_one();
        return ticket;
    }

    // A batch that failed (a full disk, an I/O error) is kept, with whatever
    // is queued meanwhile, and tried again after a pause that grows to a
    // second; waiters are told at once. Nothing is dropped while the host
    // runs; at its stop, a batch that still cannot be written is reported.
    void write_loop() {
        std::vector<Item> batch;
        uint64_t upto = 0;
        int failures = 0;
        while (true) {
            {
                std::unique_lock lock(mu_);
                if (failures > 0) {
                    auto pause = std::chrono::milliseconds(std::min(1000, 50 << std::min(failures, 5)));
                    cv_.wait_for(lock, pause, [&] { return stopping_; });
                } else {
                    while (!stopping_ && queue_.empty()) {
                        writer_idle_ = true;
                        cv_.wait(lock);
                    }
                    writer_idle_ = false;
                    // A moment to let a burst gather into one transaction (and
                    // the threads producing it run without waking us per
                    // record), unless someone waits for the disk.
                    if (queue_.size() < kBatchGather && !stopping_ && flush_waiters_ == 0 &&
                        durable_callbacks_.empty()) {
                        cv_.wait_for(lock, std::chrono::microseconds(500),
                                     [&] { return stopping_ || flush_waiters_ > 0 || !durable_callbacks_.empty(); });
                    }
                }
                if (!queue_.empty()) {
                    if (batch.empty()) {
                        batch.swap(queue_);
                    } else {
                        std::move(queue_.begin(), queue_.end(), std::back_inserter(batch));
                        queue_.clear();
                    }
                    upto = enqueued_;
                }
                if (batch.empty() && !stopping_) continue;
            }
            if (batch.empty()) return writer_stopped();  // stopping, and all is written
            try {
                write(batch);
            } catch (const std::exception& e) {
                ++failures;
                bool give_up = false;
                std::vector<std::function<void(std::exception_ptr)>> failed;
                std::exception_ptr error;
                {
                    std::lock_guard lock(mu_);
                    last_error_ = e.what();
                    failed_upto_ = upto;
                    give_up = stopping_ && failures >= kAttemptsAtStop;
                    failed = take_callbacks(upto);
                    if (!failed.empty()) error = cannot_write();
                }
                done_cv_.notify_all();
                for (auto& done : failed) done(error);
                if (failures == 1 || give_up) {
                    core::log::error("store {}: writing {} records failed: {}{}", file_, batch.size(), e.what(),
                                     give_up ? "; stopping without them" : "; trying again");
                }
                if (give_up) return writer_stopped();
                continue;
            }
            if (failures > 0)
                core::log::info("store {}: writing works again ({} records written)", file_, batch.size());
            failures = 0;
            batch.clear();
            std::vector<std::function<void(std::exception_ptr)>> written;
            {
                std::lock_guard lock(mu_);
                written_ = upto;
                last_error_.clear();
                written = take_callbacks(upto);
            }
            done_cv_.notify_all();
            for (auto& done : written) done(nullptr);
            checkpoint_if_due();
        }
    }

    static int on_wal_commit(void* self, sqlite3*, const char*, int frames) {
        static_cast<SqliteStore*>(self)->wal_frames_.store(frames);
        return SQLITE_OK;
    }

    // A checkpoint copies the WAL into the database and syncs both: with
    // SQLite's automatic one it ran inside whichever commit crossed the
    // size limit, so someone waiting for a record waited for two fsyncs
    // too. The writer thread does it after it has told the waiters, every
    // kWalFramesRun pages (a page rewritten many times meanwhile is copied
    // once). (A thread of its own with another connection was tried: the
    // requests' p99 was no better, 25-36 ms at 16 connections.) Being the only
    // writer, it finds the WAL fully copied, and SQLite starts it over.
    void checkpoint_if_due() {
        if (wal_frames_.load() >= kWalFramesRun) checkpoint(SQLITE_CHECKPOINT_PASSIVE);
    }
    void checkpoint(int mode) {
        std::lock_guard lock(write_mu_);
        int rc = sqlite3_wal_checkpoint_v2(writer_db_.getHandle(), nullptr, mode, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            wal_frames_.store(0);
        } else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
            core::log::warn("store {}: checkpoint failed: {}", file_, sqlite3_errstr(rc));
        }
    }

    // Whoever still waits for a ticket is told it will not be written.
    void writer_stopped() {
        std::vector<std::function<void(std::exception_ptr)>> left;
        std::exception_ptr error;
        {
            std::lock_guard lock(mu_);
            writer_gone_ = true;
            left = take_callbacks(UINT64_MAX);
            if (!left.empty()) error = cannot_write();
        }
        for (auto& done : left) done(error);
    }

    void write(std::vector<Item>& batch) {
        // Only the last state of each execution in the batch matters.
        std::unordered_map<std::string, size_t> last, last_part;
        for (size_t i = 0; i < batch.size(); ++i) {
            if (auto* r = std::get_if<ExecutionRow>(&batch[i])) last[r->record->id] = i;
            if (auto* t = std::get_if<TriggerInstanceRecord>(&batch[i])) last[t->id] = i;
            if (auto* w = std::get_if<StateRow>(&batch[i])) {
                last_part[w->execution_id + '\n' + std::to_string(w->seq)] = i;
            }
        }
        std::lock_guard lock(write_mu_);
        SQLite::Transaction tx(writer_db_);
        for (size_t i = 0; i < batch.size(); ++i) {
            if (auto* row = std::get_if<ExecutionRow>(&batch[i])) {
                const ExecutionRecord* r = row->record.get();
                if (last[r->id] != i) continue;
                // A later state updates the row in place, and only the
                // columns that change: REPLACE deleted the row and inserted
                // it again, rewriting all six of its indexes at every state.
                auto& ins = prepared(insert_execution_,
                                     "INSERT INTO executions (id, action, runner_type, status, parameters, "
                                     "sealed_secrets, result, context, log, parent, owner, start_us, end_us, process) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                                     "status = excluded.status, parameters = excluded.parameters, "
                                     "sealed_secrets = excluded.sealed_secrets, result = excluded.result, "
                                     "context = excluded.context, log = excluded.log, owner = excluded.owner, "
                                     "end_us = excluded.end_us, process = excluded.process");
                ins.bind(1, r->id);
                ins.bind(2, r->action);
                ins.bind(3, r->runner_type);
                ins.bind(4, std::string(core::to_string(r->status)));
                ins.bind(5, dump(r->parameters));
                ins.bind(6, r->sealed_secrets);
                if (r->result.is_null()) {
                    ins.bind(7);
                } else {
                    ins.bind(7, dump(r->result));
                }
                if (r->context_text) {
                    ins.bind(8, *r->context_text);
                } else {
                    ins.bind(8, dump(r->context));
                }
                ins.bind(9, dump(r->log));
                ins.bind(10, r->parent);
                ins.bind(11, r->owner);
                ins.bind(12, r->start_us);
                ins.bind(13, r->end_us);
                ins.bind(14, r->process);
                ins.exec();
                ins.reset();
            } else if (auto* w = std::get_if<StateRow>(&batch[i])) {
                if (last_part[w->execution_id + '\n' + std::to_string(w->seq)] != i) continue;
                auto& wf = prepared(insert_state_, "INSERT OR REPLACE INTO workflow_state VALUES (?, ?, ?)");
                wf.bind(1, w->execution_id);
                wf.bind(2, w->seq);
                wf.bind(3, w->state);
                wf.exec();
                wf.reset();
            } else if (auto* t = std::get_if<TriggerInstanceRecord>(&batch[i])) {
                if (last[t->id] != i) continue;
                // Only its status and reason change (pending -> processed).
                auto& ti = prepared(insert_trigger_,
                                    "INSERT INTO trigger_instances VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO "
                                    "UPDATE SET status = excluded.status, reason = excluded.reason");
                ti.bind(1, t->id);
                ti.bind(2, t->trigger);
                ti.bind(3, dump(*t->payload));
                ti.bind(4, t->occurrence_us);
                ti.bind(5, t->status);
                ti.bind(6, dump(t->parameters));
                ti.bind(7, t->reason);
                ti.exec();
                ti.reset();
            } else if (auto* re = std::get_if<RuleEnforcementRecord>(&batch[i])) {
                auto& ins =
                    prepared(insert_enforcement_, "INSERT OR REPLACE INTO rule_enforcements VALUES (?, ?, ?, ?, ?, ?)");
                ins.bind(1, re->id);
                ins.bind(2, re->rule);
                ins.bind(3, re->trigger_instance_id);
                ins.bind(4, re->execution_id);
                ins.bind(5, re->failure_reason);
                ins.bind(6, re->enforced_us);
                ins.exec();
                ins.reset();
            } else {
                auto& o = std::get<OutputRecord>(batch[i]);
                auto& out = prepared(insert_output_, "INSERT OR REPLACE INTO execution_output VALUES (?, ?, ?, ?, ?)");
                out.bind(1, o.execution_id);
                out.bind(2, o.seq);
                out.bind(3, o.stream);
                out.bind(4, o.data.data(), static_cast<int>(o.data.size()));
                out.bind(5, o.timestamp_us);
                out.exec();
                out.reset();
            }
        }
        tx.commit();
    }

    // The writer's statements, each prepared when first needed and kept:
    // a command that records one execution prepares one.
    SQLite::Statement& prepared(std::optional<SQLite::Statement>& slot, const char* sql) {
        if (!slot) {
            slot.emplace(writer_db_, sql);
        } else {
            slot->reset();  // a write that failed may have left it mid-way
        }
        return *slot;
    }

    std::string file_;
    std::mutex write_mu_;  // writer_db_ and the statements below
    SQLite::Database writer_db_;
    std::mutex read_mu_;  // reader_db_
    SQLite::Database reader_db_;
    std::optional<SQLite::Statement> insert_execution_, insert_output_, insert_state_, insert_trigger_,
        insert_enforcement_, data_version_;  // before the databases go
    // take_control_requests()'s last look: the other connections' commits
    // (data_version) and this one's changes then; -1: never looked.
    std::pair<int64_t, int64_t> control_looked_at_{-1, -1};
    std::optional<SQLite::Statement> api_key_lookup_;  // reader_db_'s, under read_mu_
    struct KnownApiKey {
        ApiKeyRecord record;
        int64_t looked_up_ns;
    };
    static constexpr std::chrono::nanoseconds kApiKeyRecheck = std::chrono::seconds(1);
    std::mutex api_key_cache_mu_;
    std::unordered_map<std::string, KnownApiKey> api_key_cache_;  // by key hash; only keys that exist
    uint64_t api_key_deletions_ = 0;

    std::mutex mu_;
    std::condition_variable cv_, done_cv_;
    std::vector<Item> queue_;
    uint64_t enqueued_ = 0, written_ = 0;
    uint64_t failed_upto_ = 0;  // the last attempt that failed covered tickets up to this
    std::string last_error_;    // empty while writes go through
    static constexpr int kAttemptsAtStop = 5;
    bool stopping_ = false;
    bool writer_idle_ = false;  // waiting for work: the next push wakes it
    int flush_waiters_ = 0;
    std::multimap<uint64_t, std::function<void(std::exception_ptr)>> durable_callbacks_;  // by ticket
    bool writer_gone_ = false;
    static constexpr size_t kBatchGather = 256;
    // Twice SQLite's 128 pages: four times as many (1000) gave a busy serve
    // 15% more executions per second, and requests a p99 three times longer.
    static constexpr int kWalFramesRun = 256;
    static constexpr int kWalFramesLeft = 128;  // at exit, as configure() says
    int64_t wal_bytes_left_ = 0;                // those frames, in bytes (the page size is the file's)
    std::atomic<int> wal_frames_{0};            // in the WAL after the last commit here
    std::thread writer_;                        // last: uses everything above
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& file) { return std::make_unique<SqliteStore>(file); }

}  // namespace packhost::store

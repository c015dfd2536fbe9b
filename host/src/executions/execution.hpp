#pragma once
// One run of one action: its record (StackStorm's field names) and its live
// state. Thread-safe: a worker runs it while others read, cancel or wait.
#include <atomic>
#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "actions/action.hpp"
#include "core/secret_box.hpp"
#include "core/status.hpp"
#include "store/store.hpp"

namespace packhost::executions {

using core::Status;

struct LogEntry {
    Status status;
    int64_t timestamp_us;
};

struct OutputChunk {
    actions::OutputStream stream;
    std::string data;
};

class Execution final : public actions::Invocation {
public:
    // `store` and `secrets` (both may be null) are where records go and
    // the key that seals secret parameters in them.
    Execution(std::string id, std::shared_ptr<const actions::Action> action, Json parameters, Json context,
              int64_t deadline_ns, store::Store* store = nullptr,
              std::shared_ptr<const std::string> config_json = nullptr, const core::SecretBox* secrets = nullptr);

    // actions::Invocation
    const std::string& execution_id() const override { return id_; }
    const Json& parameters() const override { return parameters_; }
    int64_t deadline_ns() const override { return deadline_ns_; }
    bool stop_requested() const override;
    void append_output(actions::OutputStream stream, std::string_view chunk) override;
    void report_progress(uint32_t per10000, std::string_view message) override;
    const std::string& context_json() const override { return *context_json_; }
    const Json& context() const { return context_; }
    const std::string& user() const override { return user_; }
    const std::string& config_json() const override;
    actions::Orchestration* orchestration() const override { return orchestration_; }
    void started_process(long pid) override;

    void set_orchestration(actions::Orchestration* o) { orchestration_ = o; }
    // A workflow's run after its runner returned; kept until it finishes.
    void set_deferred(std::shared_ptr<actions::DeferredRun> run);
    std::shared_ptr<actions::DeferredRun> deferred() const;
    // Called once, by whoever closes the execution, after it was recorded.
    // Set before the execution is launched; taken by the one close that
    // reaches a terminal status (so neither needs the lock).
    void set_on_end(std::function<void(const Execution&)> fn);
    std::function<void(const Execution&)> take_on_end();
    // An execution taken over from an ended process keeps its history.
    void restore_log(std::vector<LogEntry> log);
    // The parent execution's id, or empty.
    const std::string& parent_id() const { return parent_id_; }

    const std::string& id() const { return id_; }
    const actions::Action& action() const { return *action_; }
    const std::shared_ptr<const actions::Action>& action_ptr() const { return action_; }
    Status status() const;
    Json result() const;

    // Moves to `to` and logs it; refused (false) once the execution is in a
    // terminal status, or when `only_from` is given and the status differs.
    // Reaching a terminal status stores `result` and wakes every waiter.
    bool transition(Status to, Json result = nullptr, std::optional<Status> only_from = std::nullopt);

    void request_cancel() { cancel_requested_.store(true, std::memory_order_release); }
    bool cancel_requested() const { return cancel_requested_.load(std::memory_order_acquire); }
    void mark_deadline_passed() { deadline_passed_.store(true, std::memory_order_release); }
    bool deadline_passed() const { return deadline_passed_.load(std::memory_order_acquire); }

    bool done() const { return done_.load(std::memory_order_acquire) != 0; }
    void wait() const;
    // False when still not done after `timeout`.
    bool wait_for(std::chrono::nanoseconds timeout) const;

    // The record as StackStorm shows it; secrets masked unless told otherwise.
    Json to_json(bool show_secrets = false) const;

    // The record to store: secrets masked, and the real parameters sealed
    // with `secrets` (when the action has secret parameters) so that a
    // re-run can use them.
    store::ExecutionRecord snapshot(bool show_secrets, const core::SecretBox* secrets) const;
    // The record to save: a snapshot whose context goes as the text printed
    // when the execution was made (not copied, not printed again).
    store::ExecutionRecord record_to_save(const core::SecretBox* secrets) const;
    // For an execution whose records are saved only once it has ended
    // (defer_records): the record of each status it went through after
    // `requested`, as record_to_save() would have given it then, the
    // final one last.
    std::vector<store::ExecutionRecord> records_of_each_status(const core::SecretBox* secrets) const;

    // Set before it is admitted: its records wait for its end (see
    // Scheduler::launch), and the store and event stream get every status
    // at once then, from a worker.
    void defer_records() { records_held_.store(true, std::memory_order_relaxed); }
    bool records_deferred() const { return records_held_.load(std::memory_order_relaxed); }
    // True once, for a deferred execution: whoever gets it saves the records
    // (any later record is saved as it comes).
    bool take_deferred_records() { return records_held_.exchange(false); }

private:
    store::ExecutionRecord record_to_save(const core::SecretBox* secrets, bool show_secrets) const;
    const std::string id_;
    const std::shared_ptr<const actions::Action> action_;
    const Json parameters_;
    const Json context_;
    const std::shared_ptr<const std::string> context_json_;
    const std::string user_;
    const std::string parent_id_;
    const std::shared_ptr<const std::string> config_json_;  // shared by the pack's executions
    const int64_t deadline_ns_;

    mutable std::mutex mu_;
    Status status_ = Status::requested;
    Json result_;
    std::vector<LogEntry> log_;
    std::vector<OutputChunk> output_;
    store::Store* store_;
    const core::SecretBox* secrets_;
    int64_t output_seq_ = 0;
    size_t output_bytes_ = 0;
    bool output_truncated_ = false;
    uint32_t progress_ = 0;
    std::string progress_message_;
    actions::Orchestration* orchestration_ = nullptr;
    std::shared_ptr<actions::DeferredRun> deferred_;
    std::function<void(const Execution&)> on_end_;  // see set_on_end
    std::string process_;                           // "pid:start" of the process group it started
    std::atomic<bool> records_held_{false};         // see defer_records

    std::atomic<bool> cancel_requested_{false};
    std::atomic<bool> deadline_passed_{false};
    mutable std::atomic<uint32_t> done_{0};
    mutable std::condition_variable done_cv_;  // wait_for(), with mu_
};

}  // namespace packhost::executions

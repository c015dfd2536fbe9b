#include "executions/execution.hpp"

#include <thread>
#include <utility>

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "executions/record_view.hpp"

namespace packhost::executions {
namespace {

// In-memory output is capped so a chatty action cannot exhaust memory; the
// cut is marked, never silent.
constexpr size_t kMaxOutputBytes = 4u << 20;

// StackStorm's action_context.parent is {"execution_id": ...}; a plain id is
// accepted too.
std::string parent_of(const Json& context) {
    auto p = context.find("parent");
    if (p == context.end()) return "";
    if (p->is_string()) return p->get<std::string>();
    if (p->is_object()) {
        auto id = p->find("execution_id");
        if (id != p->end() && id->is_string()) return id->get<std::string>();
    }
    return "";
}

}  // namespace

Execution::Execution(std::string id, std::shared_ptr<const actions::Action> action, Json parameters, Json context,
                     int64_t deadline_ns, store::Store* store, std::shared_ptr<const std::string> config_json,
                     const core::SecretBox* secrets)
    : id_(std::move(id)),
      action_(std::move(action)),
      parameters_(std::move(parameters)),
      context_(std::move(context)),
      context_json_(std::make_shared<const std::string>(core::to_json_text(context_))),
      user_(context_.value("user", std::string())),
      parent_id_(parent_of(context_)),
      config_json_(std::move(config_json)),
      deadline_ns_(deadline_ns),
      store_(store),
      secrets_(secrets) {
    log_.reserve(4);
    log_.push_back({Status::requested, core::now_us()});
}

void Execution::set_deferred(std::shared_ptr<actions::DeferredRun> run) {
    std::lock_guard lock(mu_);
    if (!core::is_completed(status_)) deferred_ = std::move(run);  // else it has finished already
}

std::shared_ptr<actions::DeferredRun> Execution::deferred() const {
    std::lock_guard lock(mu_);
    return deferred_;
}

void Execution::set_on_end(std::function<void(const Execution&)> fn) { on_end_ = std::move(fn); }

std::function<void(const Execution&)> Execution::take_on_end() { return std::exchange(on_end_, nullptr); }

void Execution::restore_log(std::vector<LogEntry> log) {
    std::lock_guard lock(mu_);
    if (log.empty()) return;
    log_ = std::move(log);
    status_ = log_.back().status;
}

const std::string& Execution::config_json() const {
    static const std::string kEmpty = "{}";
    return config_json_ ? *config_json_ : kEmpty;
}

bool Execution::stop_requested() const {
    if (cancel_requested_.load(std::memory_order_relaxed) || deadline_passed_.load(std::memory_order_relaxed)) {
        return true;
    }
    return deadline_ns_ != 0 && core::monotonic_ns() >= deadline_ns_;
}

void Execution::append_output(actions::OutputStream stream, std::string_view chunk) {
    std::lock_guard lock(mu_);
    if (output_truncated_) return;
    auto add = [&](actions::OutputStream st, std::string_view part) {
        if (part.empty()) return;
        output_bytes_ += part.size();
        if (!output_.empty() && output_.back().stream == st) {
            output_.back().data.append(part);
        } else {
            output_.push_back({st, std::string(part)});
        }
        if (store_) {
            store_->append_output({id_, output_seq_++, st == actions::OutputStream::out ? "stdout" : "stderr",
                                   std::string(part), core::now_us()});
        }
    };
    if (output_bytes_ + chunk.size() <= kMaxOutputBytes) {
        add(stream, chunk);
        return;
    }
    add(stream, chunk.substr(0, kMaxOutputBytes - output_bytes_));
    add(actions::OutputStream::err, "\n[packhost: output cut at " + std::to_string(kMaxOutputBytes) + " bytes]\n");
    output_truncated_ = true;
}

void Execution::started_process(long pid) {
    std::string identity = store::process_identity(pid);
    {
        std::lock_guard lock(mu_);
        process_ = identity;
    }
    if (store_) store_->save(record_to_save(secrets_));
}

void Execution::report_progress(uint32_t per10000, std::string_view message) {
    std::lock_guard lock(mu_);
    progress_ = per10000;
    progress_message_.assign(message);
}

Status Execution::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

Json Execution::result() const {
    std::lock_guard lock(mu_);
    return result_;
}

bool Execution::transition(Status to, Json result, std::optional<Status> only_from) {
    std::shared_ptr<actions::DeferredRun> finished_run;  // released after the lock
    {
        std::lock_guard lock(mu_);
        if ((only_from && status_ != *only_from) || !core::can_transition(status_, to)) return false;
        status_ = to;
        log_.push_back({to, core::now_us()});
        if (!core::is_completed(to)) return true;
        result_ = std::move(result);
        finished_run = std::move(deferred_);  // it may hold this execution: no cycle past the end
        // Under the lock, so that wait_for() cannot miss it.
        done_.store(1, std::memory_order_release);
    }
    done_.notify_all();
    done_cv_.notify_all();
    return true;
}

void Execution::wait() const {
    // A short spin first: native actions finish in microseconds, far less
    // than a futex sleep and wake-up costs.
    for (int i = 0; i < 2000; ++i) {
        if (done_.load(std::memory_order_acquire)) return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    while (!done_.load(std::memory_order_acquire)) done_.wait(0, std::memory_order_acquire);
}

bool Execution::wait_for(std::chrono::nanoseconds timeout) const {
    if (done()) return true;
    // std::atomic::wait has no timeout: a condition variable on the same lock.
    std::unique_lock lock(mu_);
    return done_cv_.wait_for(lock, timeout, [this] { return done(); });
}

store::ExecutionRecord Execution::snapshot(bool show_secrets, const core::SecretBox* secrets) const {
    auto r = record_to_save(secrets, show_secrets);
    r.context = context_;
    r.context_text.reset();
    return r;
}

store::ExecutionRecord Execution::record_to_save(const core::SecretBox* secrets) const {
    return record_to_save(secrets, false);
}

store::ExecutionRecord Execution::record_to_save(const core::SecretBox* secrets, bool show_secrets) const {
    std::lock_guard lock(mu_);
    const auto& a = *action_;
    store::ExecutionRecord r;
    r.id = id_;
    r.action = a.ref;
    r.runner_type = a.runner_type;
    r.status = status_;
    r.parameters = show_secrets ? parameters_ : a.parameters.masked(parameters_);
    if (secrets && !show_secrets && r.parameters != parameters_) r.sealed_secrets = secrets->seal(parameters_.dump());
    r.result = (show_secrets || a.output.empty()) ? result_ : a.output.masked(result_);
    r.context_text = context_json_;
    r.parent = parent_id_;
    r.owner = store::this_process_owner();
    if (!core::is_completed(status_)) r.process = process_;
    // Saved at every status change: built without nlohmann's initializer
    // lists, which copy every value.
    auto& log = r.log.get_ref<Json::array_t&>();
    log.reserve(log_.size());
    for (const auto& e : log_) {
        Json entry = Json::object();
        entry.get_ref<Json::object_t&>().reserve(2);
        entry["status"] = std::string(to_string(e.status));
        entry["timestamp"] = e.timestamp_us;
        log.push_back(std::move(entry));
    }
    r.start_us = log_.front().timestamp_us;
    r.end_us = core::is_completed(status_) ? log_.back().timestamp_us : 0;
    return r;
}

std::vector<store::ExecutionRecord> Execution::records_of_each_status(const core::SecretBox* secrets) const {
    auto last = record_to_save(secrets);
    std::vector<LogEntry> statuses;
    {
        std::lock_guard lock(mu_);
        statuses = log_;
    }
    const auto& log = last.log.get_ref<const Json::array_t&>();
    std::vector<store::ExecutionRecord> out;
    out.reserve(statuses.size());
    // log[0] is `requested`, never saved on its own: the first record of
    // an execution is its admission (`scheduled`).
    for (size_t i = 1; i + 1 < statuses.size(); ++i) {
        store::ExecutionRecord r = last;
        r.status = statuses[i].status;
        r.result = Json();
        r.log = Json::array_t(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        r.end_us = 0;
        out.push_back(std::move(r));
    }
    out.push_back(std::move(last));
    return out;
}

Json Execution::to_json(bool show_secrets) const {
    auto j = record_view(snapshot(show_secrets, nullptr));
    std::lock_guard lock(mu_);
    if (!output_.empty()) {
        auto out = Json::array();
        for (const auto& c : output_) {
            out.push_back(
                {{"output_type", c.stream == actions::OutputStream::out ? "stdout" : "stderr"}, {"data", c.data}});
        }
        j["output"] = std::move(out);
    }
    if (progress_ > 0 && !core::is_completed(status_)) {
        j["progress"] = {{"percent", progress_ / 100.0}, {"message", progress_message_}};
    }
    return j;
}

}  // namespace packhost::executions

#include "executions/execution.hpp"

#include <thread>

#include "core/clock.hpp"

namespace packhost::executions {
namespace {

// In-memory output is capped so a chatty action cannot exhaust memory; the
// cut is marked, never silent.
constexpr size_t kMaxOutputBytes = 4u << 20;

}  // namespace

Execution::Execution(std::string id, std::shared_ptr<const actions::Action> action, nlohmann::json parameters,
                     nlohmann::json context, int64_t deadline_ns)
    : id_(std::move(id)),
      action_(std::move(action)),
      parameters_(std::move(parameters)),
      context_(std::move(context)),
      context_json_(context_.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
      deadline_ns_(deadline_ns) {
    log_.reserve(4);
    log_.push_back({Status::requested, core::now_us()});
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
    if (output_bytes_ + chunk.size() > kMaxOutputBytes) {
        size_t room = kMaxOutputBytes - output_bytes_;
        output_.push_back({stream, std::string(chunk.substr(0, room))});
        output_.push_back({actions::OutputStream::err,
                           "\n[packhost: output cut at " + std::to_string(kMaxOutputBytes) + " bytes]\n"});
        output_bytes_ = kMaxOutputBytes;
        output_truncated_ = true;
        return;
    }
    output_bytes_ += chunk.size();
    if (!output_.empty() && output_.back().stream == stream) {
        output_.back().data.append(chunk);
    } else {
        output_.push_back({stream, std::string(chunk)});
    }
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

nlohmann::json Execution::result() const {
    std::lock_guard lock(mu_);
    return result_;
}

bool Execution::transition(Status to, nlohmann::json result, std::optional<Status> only_from) {
    {
        std::lock_guard lock(mu_);
        if (is_terminal(status_) || (only_from && status_ != *only_from)) return false;
        status_ = to;
        log_.push_back({to, core::now_us()});
        if (!is_terminal(to)) return true;
        result_ = std::move(result);
    }
    done_.store(1, std::memory_order_release);
    done_.notify_all();
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
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!done_.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() >= until) return false;
        // std::atomic::wait has no timeout; poll at a human scale instead.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

nlohmann::ordered_json Execution::to_json(bool show_secrets) const {
    std::lock_guard lock(mu_);
    const auto& a = *action_;
    nlohmann::ordered_json j;
    j["id"] = id_;
    j["action"] = {{"ref", a.ref}, {"pack", a.pack}, {"name", a.name}, {"runner_type", a.runner_type}};
    j["runner"] = {{"name", a.runner_type}};
    j["parameters"] = show_secrets ? parameters_ : a.parameters.masked(parameters_);
    j["status"] = to_string(status_);
    j["result"] = (show_secrets || a.output.empty()) ? result_ : a.output.masked(result_);
    int64_t start = log_.front().timestamp_us;
    j["start_timestamp"] = core::iso8601(start);
    if (is_terminal(status_)) {
        int64_t end = log_.back().timestamp_us;
        j["end_timestamp"] = core::iso8601(end);
        j["elapsed_seconds"] = double(end - start) / 1e6;
    } else {
        j["end_timestamp"] = nullptr;
        j["elapsed_seconds"] = double(core::now_us() - start) / 1e6;
    }
    j["context"] = context_;
    auto log = nlohmann::ordered_json::array();
    for (const auto& e : log_) log.push_back({{"status", to_string(e.status)}, {"timestamp", core::iso8601(e.timestamp_us)}});
    j["log"] = std::move(log);
    if (!output_.empty()) {
        auto out = nlohmann::ordered_json::array();
        for (const auto& c : output_) {
            out.push_back({{"output_type", c.stream == actions::OutputStream::out ? "stdout" : "stderr"}, {"data", c.data}});
        }
        j["output"] = std::move(out);
    }
    if (progress_ > 0 && !is_terminal(status_)) {
        j["progress"] = {{"percent", progress_ / 100.0}, {"message", progress_message_}};
    }
    return j;
}

}  // namespace packhost::executions

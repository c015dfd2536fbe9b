#pragma once
// What an event bus said of one action's executions, as "type status"
// ("st2.execution__update running"), in order: for tests that check when
// records were saved against something else the host did.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "events/event_bus.hpp"

namespace packhost::testing {

class ExecutionEventLog {
public:
    ExecutionEventLog(events::EventBus& bus, std::string ref) : bus_(bus), ref_(std::move(ref)) {
        token_ = bus_.subscribe([this](const events::EventPtr& e) {
            if (e->ref == ref_) {
                {
                    std::lock_guard lock(mu_);
                    said_.push_back(e->type + " " + e->status);
                }
                changed_.notify_all();
            }
            return true;
        });
    }
    ~ExecutionEventLog() { bus_.unsubscribe(token_); }
    ExecutionEventLog(const ExecutionEventLog&) = delete;
    ExecutionEventLog& operator=(const ExecutionEventLog&) = delete;

    std::vector<std::string> said() const {
        std::lock_guard lock(mu_);
        return said_;
    }
    // Waits until it has said exactly `expected` (false if not within
    // `timeout`): for records saved after the call that caused them returned.
    bool wait_for(const std::vector<std::string>& expected, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mu_);
        return changed_.wait_for(lock, timeout, [&] { return said_ == expected; });
    }
    // Once the first `count` events have come (the runs before, whose
    // records may be saved after they returned), forgets them.
    bool clear_after(size_t count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        if (!changed_.wait_for(lock, timeout, [&] { return said_.size() >= count; })) return false;
        said_.clear();
        return true;
    }
    void clear() {
        std::lock_guard lock(mu_);
        said_.clear();
    }

    // An execution's every status as saved one by one from admission on.
    static std::vector<std::string> every_status() {
        return {"st2.execution__create scheduled", "st2.execution__update running", "st2.execution__update succeeded"};
    }

private:
    events::EventBus& bus_;
    const std::string ref_;
    uint64_t token_ = 0;
    mutable std::mutex mu_;
    mutable std::condition_variable changed_;
    std::vector<std::string> said_;
};

}  // namespace packhost::testing

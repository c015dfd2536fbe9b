#pragma once
// What an event bus said of one action's executions, as "type status"
// ("st2.execution__update running"), in order: for tests that check when
// records were saved against something else the host did.
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
                std::lock_guard lock(mu_);
                said_.push_back(e->type + " " + e->status);
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
    std::vector<std::string> said_;
};

}  // namespace packhost::testing

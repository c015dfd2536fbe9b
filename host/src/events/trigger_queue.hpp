#pragma once
// Trigger instances waiting for the rules engine. Non-blocking on the
// producer side, as the ABI promises sensors (dispatch never blocks). When
// full it refuses ("busy") while something drains it; while nothing does
// (no rules engine yet), it keeps the newest and drops the oldest instead,
// so that a sensor is not told "busy" forever.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::events {

struct TriggerInstance {
    std::string id;
    std::string trigger;  // "pack.name"
    SharedJson payload = share(Json::object());
    int64_t occurrence_us = 0;
    // Which trigger of a parametrized type (a webhook's {url}); empty for
    // types without parameters.
    Json parameters = Json::object();
};

class TriggerQueue {
public:
    enum class WhenFull { refuse, drop_oldest };
    enum class Pushed { queued, queued_dropping_oldest, refused };

    explicit TriggerQueue(size_t capacity, WhenFull when_full = WhenFull::refuse)
        : capacity_(capacity), when_full_(when_full) {}

    Pushed try_push(TriggerInstance instance);
    // Everything queued so far, oldest first.
    std::vector<TriggerInstance> drain();
    // The same, waiting up to `timeout` for something to arrive (the rules
    // engine's consumer), or for wake_consumer().
    std::vector<TriggerInstance> wait_drain(std::chrono::milliseconds timeout);
    // Ends the consumer's current (or next) wait_drain() now, empty-handed
    // if nothing is queued: how it is told to stop without polling.
    void wake_consumer();
    // Once a consumer drains it, a full queue refuses instead of dropping.
    void set_when_full(WhenFull when_full);
    size_t size() const;
    // How many were dropped to make room.
    uint64_t dropped() const;

private:
    mutable std::mutex mu_;
    std::condition_variable arrived_;
    size_t capacity_;
    WhenFull when_full_;
    std::deque<TriggerInstance> queue_;
    uint64_t dropped_ = 0;
    bool woken_ = false;
};

}  // namespace packhost::events

#pragma once
// Trigger instances waiting for the rules engine. Bounded and non-blocking
// on the producer side, as the ABI promises sensors (dispatch never blocks;
// a full queue answers "busy").
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/json.hpp"


namespace packhost::events {

struct TriggerInstance {
    std::string id;
    std::string trigger;  // "pack.name"
    Json payload;
    int64_t occurrence_us = 0;
};

class TriggerQueue {
public:
    explicit TriggerQueue(size_t capacity) : capacity_(capacity) {}

    // False when full.
    bool try_push(TriggerInstance instance);
    // Everything queued so far, oldest first.
    std::vector<TriggerInstance> drain();
    size_t size() const;

private:
    mutable std::mutex mu_;
    size_t capacity_;
    std::deque<TriggerInstance> queue_;
};

}  // namespace packhost::events

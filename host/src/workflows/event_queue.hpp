#pragma once
// Serial handling of a workflow run's events without a thread of its own:
// whichever thread posts while no event is being handled handles every
// queued event until none is left; a post made meanwhile (from a callback of
// that very handling, or from another thread) only queues. So a run's state
// is touched by one thread at a time, and nothing waits.
#include <deque>
#include <mutex>
#include <utility>

namespace packhost::workflows {

template <typename Event>
class EventQueue {
public:
    // Queues `event`; when no thread is handling, handles it and every
    // event posted meanwhile with handle(event&).
    template <typename Handle>
    void post(Event event, Handle&& handle) {
        {
            std::lock_guard lock(mu_);
            events_.push_back(std::move(event));
            if (draining_) return;
            draining_ = true;
        }
        while (true) {
            Event e;
            {
                std::lock_guard lock(mu_);
                if (events_.empty()) {
                    draining_ = false;
                    return;
                }
                e = std::move(events_.front());
                events_.pop_front();
            }
            handle(e);
        }
    }

private:
    std::mutex mu_;
    std::deque<Event> events_;
    bool draining_ = false;
};

}  // namespace packhost::workflows

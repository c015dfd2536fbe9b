#include "executions/deadline_watch.hpp"

#include <chrono>

#include "core/clock.hpp"

namespace packhost::executions {

DeadlineWatch::DeadlineWatch() : thread_([this] { loop(); }) {}

DeadlineWatch::~DeadlineWatch() { stop(); }

void DeadlineWatch::at(int64_t deadline_ns, std::function<void()> fn) {
    bool earliest;
    {
        std::lock_guard lock(mu_);
        earliest = heap_.empty() || deadline_ns < heap_.top().deadline_ns;
        heap_.push({deadline_ns, seq_++, std::move(fn)});
    }
    if (earliest) cv_.notify_one();
}

void DeadlineWatch::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void DeadlineWatch::loop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        if (heap_.empty()) {
            cv_.wait(lock);
            continue;
        }
        int64_t now = core::monotonic_ns();
        if (heap_.top().deadline_ns > now) {
            cv_.wait_for(lock, std::chrono::nanoseconds(heap_.top().deadline_ns - now));
            continue;
        }
        auto fn = std::move(const_cast<Entry&>(heap_.top()).fn);
        heap_.pop();
        lock.unlock();
        fn();
        lock.lock();
    }
}

}  // namespace packhost::executions

#include "events/trigger_queue.hpp"

namespace packhost::events {

TriggerQueue::Pushed TriggerQueue::try_push(TriggerInstance instance) {
    Pushed pushed = Pushed::queued;
    {
        std::lock_guard lock(mu_);
        if (queue_.size() >= capacity_) {
            if (when_full_ == WhenFull::refuse || capacity_ == 0) return Pushed::refused;
            queue_.pop_front();
            ++dropped_;
            pushed = Pushed::queued_dropping_oldest;
        }
        queue_.push_back(std::move(instance));
    }
    arrived_.notify_one();
    return pushed;
}

std::vector<TriggerInstance> TriggerQueue::wait_drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    arrived_.wait_for(lock, timeout, [&] { return !queue_.empty() || woken_; });
    woken_ = false;
    std::vector<TriggerInstance> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    return out;
}

void TriggerQueue::wake_consumer() {
    {
        std::lock_guard lock(mu_);
        woken_ = true;
    }
    arrived_.notify_all();
}

void TriggerQueue::set_when_full(WhenFull when_full) {
    std::lock_guard lock(mu_);
    when_full_ = when_full;
}

std::vector<TriggerInstance> TriggerQueue::drain() {
    std::lock_guard lock(mu_);
    std::vector<TriggerInstance> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    return out;
}

size_t TriggerQueue::size() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

uint64_t TriggerQueue::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

}  // namespace packhost::events

#include "events/trigger_queue.hpp"

namespace packhost::events {

TriggerQueue::Pushed TriggerQueue::try_push(TriggerInstance instance) {
    std::lock_guard lock(mu_);
    Pushed pushed = Pushed::queued;
    if (queue_.size() >= capacity_) {
        if (when_full_ == WhenFull::refuse || capacity_ == 0) return Pushed::refused;
        queue_.pop_front();
        ++dropped_;
        pushed = Pushed::queued_dropping_oldest;
    }
    queue_.push_back(std::move(instance));
    return pushed;
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

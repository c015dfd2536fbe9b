#include "events/trigger_queue.hpp"

namespace packhost::events {

bool TriggerQueue::try_push(TriggerInstance instance) {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(instance));
    return true;
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

}  // namespace packhost::events

#include "events/event_bus.hpp"

#include "core/clock.hpp"

namespace packhost::events {

const std::string& Event::data() const {
    std::call_once(rendered, [this] {
        text = render ? render() : std::string("{}");
        render = nullptr;
    });
    return text;
}

EventBus::EventBus(size_t ring_capacity, size_t ring_max_bytes)
    : capacity_(ring_capacity ? ring_capacity : 1),
      max_bytes_(ring_max_bytes),
      next_id_(static_cast<uint64_t>(core::now_us())) {}

void EventBus::publish(std::string type, std::function<std::string()> render) {
    auto e = std::make_shared<Event>();
    e->type = std::move(type);
    e->render = std::move(render);
    publish(std::move(e));
}

void EventBus::publish(std::shared_ptr<Event> e) {
    {
        std::lock_guard lock(mu_);
        e->id = next_id_++;
        ring_.push_back(e);
        bytes_ += e->approx_bytes;
        // The newest stays whatever it weighs: a reader must at least get it.
        while (ring_.size() > capacity_ || (bytes_ > max_bytes_ && ring_.size() > 1)) {
            bytes_ -= ring_.front()->approx_bytes;
            ring_.pop_front();
        }
        // Delivered under the lock: every sink sees events in id order, and
        // one subscribing meanwhile gets each event exactly once.
        delivering_ = std::this_thread::get_id();
        for (auto& [token, sink] : sinks_) {
            if (!sink(e)) leaving_.push_back(token);
        }
        delivering_ = std::thread::id{};
        for (auto token : leaving_) sinks_.erase(token);
        leaving_.clear();
    }
}

uint64_t EventBus::subscribe(Sink sink, uint64_t last_seen) {
    std::lock_guard lock(mu_);
    uint64_t token = next_token_++;
    if (last_seen != 0) {
        for (const auto& e : ring_) {
            if (e->id > last_seen && !sink(e)) return token;  // gone already
        }
    }
    sinks_.emplace(token, std::move(sink));
    return token;
}

void EventBus::unsubscribe(uint64_t token) {
    // A sink closing its stream calls back here on the delivering thread,
    // which already holds the lock and is walking the sinks.
    if (delivering_ == std::this_thread::get_id()) {
        leaving_.push_back(token);
        return;
    }
    std::lock_guard lock(mu_);
    sinks_.erase(token);
}

size_t EventBus::ring_size() const {
    std::lock_guard lock(mu_);
    return ring_.size();
}

size_t EventBus::ring_bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

size_t EventBus::subscribers() const {
    std::lock_guard lock(mu_);
    return sinks_.size();
}

}  // namespace packhost::events

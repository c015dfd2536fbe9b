#pragma once
// What happens in the host, as StackStorm's event stream names it
// (st2.execution__create, st2.execution__update,
// st2.execution.output__create, st2.trigger_instance__create), for
// whoever listens: the HTTP stream, later chat and metrics. The last events
// are kept in a bounded ring so that a reader that reconnects with the last
// id it saw gets what it missed.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace packhost::events {

struct Event {
    uint64_t id = 0;
    std::string type;
    // What counting needs without reading the data: the action's or the
    // trigger type's ref, the execution's status, and its run time once it
    // has ended (-1 before).
    std::string ref;
    std::string status;
    double elapsed_seconds = -1;
    // The data as JSON text, made when first asked for: most events are
    // never read, and a busy host should not print each one.
    const std::string& data() const;

    std::function<std::string()> render;  // set by the publisher
    mutable std::once_flag rendered;
    mutable std::string text;
};

using EventPtr = std::shared_ptr<const Event>;

class EventBus {
public:
    // Ids start at the time the bus was made (µs), so that they keep
    // increasing across restarts: an id from before one is older than
    // anything in the ring.
    explicit EventBus(size_t ring_capacity = 4096);

    // Gives `event` its id and delivers it.
    void publish(std::shared_ptr<Event> event);
    void publish(std::string type, std::function<std::string()> render);

    // Called on the publisher's thread for each event; must not block.
    // Returns false to be unsubscribed (its reader is gone).
    using Sink = std::function<bool(const EventPtr&)>;
    // Subscribes; first gives `sink` the events after `last_seen` still in
    // the ring (all of them when `last_seen` is older than the ring; none
    // when it is 0), so that nothing is lost or repeated between the two.
    uint64_t subscribe(Sink sink, uint64_t last_seen = 0);
    // Also from inside a sink (a stream that closes while fed).
    void unsubscribe(uint64_t token);
    size_t subscribers() const;

private:
    mutable std::mutex mu_;
    size_t capacity_;
    uint64_t next_id_;
    std::deque<EventPtr> ring_;
    uint64_t next_token_ = 1;
    std::unordered_map<uint64_t, Sink> sinks_;
    std::atomic<std::thread::id> delivering_{};  // the thread inside publish(), holding mu_
    std::vector<uint64_t> leaving_;              // unsubscribed during delivery
};

}  // namespace packhost::events

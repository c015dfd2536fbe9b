#pragma once
// What happens in the host, as StackStorm's event stream names it
// (st2.execution__create, st2.execution__update,
// st2.execution.output__create, st2.trigger_instance__create), for
// whoever listens: the HTTP stream, later chat and metrics. The last events
// are kept in a ring, bounded in count and in bytes, so that a reader that
// reconnects with the last id it saw gets what it missed.
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
    // About what the event holds in memory (the copy `render` keeps),
    // set by the publisher: the ring is bounded in bytes too.
    size_t approx_bytes = 0;
    // The data as JSON text, made when first asked for: most events are
    // never read, and a busy host should not print each one.
    const std::string& data() const;

    // Set by the publisher; dropped once called, so that an event holds
    // either the copy it renders from or its text, not both.
    mutable std::function<std::string()> render;
    mutable std::once_flag rendered;
    mutable std::string text;
};

using EventPtr = std::shared_ptr<const Event>;

class EventBus {
public:
    // Ids start at the time the bus was made (µs), so that they keep
    // increasing across restarts: an id from before one is older than
    // anything in the ring.
    // The ring keeps at most `ring_capacity` events and, past the newest,
    // `ring_max_bytes` of them (a few executions with large results must not
    // pin gigabytes).
    explicit EventBus(size_t ring_capacity = 4096, size_t ring_max_bytes = size_t{64} << 20);

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
    // What the ring holds now (for tests and metrics).
    size_t ring_size() const;
    size_t ring_bytes() const;

private:
    mutable std::mutex mu_;
    size_t capacity_;
    size_t max_bytes_;
    size_t bytes_ = 0;  // the ring's events' approx_bytes
    uint64_t next_id_;
    std::deque<EventPtr> ring_;
    uint64_t next_token_ = 1;
    std::unordered_map<uint64_t, Sink> sinks_;
    std::atomic<std::thread::id> delivering_{};  // the thread inside publish(), holding mu_
    std::vector<uint64_t> leaving_;              // unsubscribed during delivery
};

}  // namespace packhost::events

// The event bus: ids that keep increasing, a bounded ring replayed after a
// reader's last id, sinks that leave by returning false or by unsubscribing
// from inside a delivery, and data rendered once, only when read.
#include <gtest/gtest.h>

#include <atomic>

#include "events/event_bus.hpp"

using namespace packhost::events;

TEST(EventBus, DeliversInOrderAndReplaysWhatAReaderMissed) {
    EventBus bus(3);
    std::vector<uint64_t> seen;
    auto token = bus.subscribe([&](const EventPtr& e) {
        seen.push_back(e->id);
        return true;
    });
    for (int i = 0; i < 5; ++i) bus.publish("t", [i] { return std::to_string(i); });
    ASSERT_EQ(seen.size(), 5u);
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 1] + 1);
    bus.unsubscribe(token);
    EXPECT_EQ(bus.subscribers(), 0u);

    // After the second event: the ring (3) still holds the last three.
    std::vector<std::string> replayed;
    bus.subscribe(
        [&](const EventPtr& e) {
            replayed.push_back(e->data());
            return true;
        },
        seen[1]);
    EXPECT_EQ(replayed, (std::vector<std::string>{"2", "3", "4"}));

    // An id older than the ring: everything kept; 0: nothing.
    size_t all = 0, none = 0;
    bus.subscribe([&](const EventPtr&) { return ++all, true; }, 1);
    bus.subscribe([&](const EventPtr&) { return ++none, true; }, 0);
    EXPECT_EQ(all, 3u);
    EXPECT_EQ(none, 0u);
}

TEST(EventBus, IdsKeepIncreasingAcrossBuses) {
    uint64_t first = 0, second = 0;
    {
        EventBus bus;
        bus.subscribe([&](const EventPtr& e) { return first = e->id, true; });
        bus.publish("t", nullptr);
    }
    EventBus later;
    later.subscribe([&](const EventPtr& e) { return second = e->id, true; });
    later.publish("t", nullptr);
    EXPECT_GT(second, first) << "a reader's Last-Event-ID from before a restart is older than anything new";
}

TEST(EventBus, SinksLeaveByReturningFalseOrUnsubscribingWhileDelivered) {
    EventBus bus;
    int once = 0;
    bus.subscribe([&](const EventPtr&) { return ++once, false; });
    uint64_t self = 0;
    int inside = 0;
    self = bus.subscribe([&](const EventPtr&) {
        ++inside;
        bus.unsubscribe(self);  // as a stream closing on a full buffer does
        return true;
    });
    bus.publish("a", nullptr);
    bus.publish("b", nullptr);
    EXPECT_EQ(once, 1);
    EXPECT_EQ(inside, 1);
    EXPECT_EQ(bus.subscribers(), 0u);
}

TEST(EventBus, DataIsRenderedOnceAndOnlyWhenRead) {
    EventBus bus;
    std::atomic<int> renders{0};
    EventPtr kept;
    bus.subscribe([&](const EventPtr& e) { return kept = e, true; });
    bus.publish("t", [&] { return ++renders, std::string("{\"a\":1}"); });
    EXPECT_EQ(renders, 0);
    EXPECT_EQ(kept->data(), "{\"a\":1}");
    EXPECT_EQ(kept->data(), "{\"a\":1}");
    EXPECT_EQ(renders, 1);
}

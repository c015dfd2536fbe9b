// The event bus: ids that keep increasing, a ring bounded in count and bytes replayed after a
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

TEST(EventBus, TheRingIsBoundedInBytesToo) {
    EventBus bus(100, 1000);
    auto publish = [&](size_t bytes) {
        auto e = std::make_shared<Event>();
        e->type = std::string("t");  // assigning the literal: GCC 12's -Wrestrict false positive at -O3
        e->approx_bytes = bytes;
        e->render = [bytes] { return std::to_string(bytes); };
        bus.publish(std::move(e));
    };
    for (int i = 0; i < 10; ++i) publish(300);
    EXPECT_EQ(bus.ring_size(), 3u) << "three of 300 bytes fit in 1000, not four";
    EXPECT_EQ(bus.ring_bytes(), 900u);
    publish(5000);
    EXPECT_EQ(bus.ring_size(), 1u) << "the newest is kept whatever it weighs, alone";
    EXPECT_EQ(bus.ring_bytes(), 5000u);
    std::vector<std::string> replayed;
    bus.subscribe([&](const EventPtr& e) { return replayed.push_back(e->data()), true; }, 1);
    EXPECT_EQ(replayed, (std::vector<std::string>{"5000"}));
    publish(10);
    EXPECT_EQ(bus.ring_size(), 1u);
    EXPECT_EQ(bus.ring_bytes(), 10u);
}

TEST(EventBus, RenderingDropsTheCopyItRendersFrom) {
    EventBus bus;
    auto held = std::make_shared<std::string>(10000, 'x');
    std::weak_ptr<std::string> watch = held;
    EventPtr kept;
    bus.subscribe([&](const EventPtr& e) { return kept = e, true; });
    bus.publish("t", [held] { return std::string("\"") + *held + "\""; });
    held.reset();
    EXPECT_FALSE(watch.expired()) << "kept for rendering";
    EXPECT_EQ(kept->data().size(), 10002u);
    EXPECT_TRUE(watch.expired()) << "the text replaces the copy";
}

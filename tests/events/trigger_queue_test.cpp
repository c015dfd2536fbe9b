// The trigger queue never blocks a producer: full, it refuses while
// something drains it, and while nothing does it keeps the newest.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "events/trigger_queue.hpp"

using namespace packhost::events;

namespace {

TriggerInstance instance(int n) { return {std::to_string(n), "pack.t", packhost::share(packhost::Json{{"n", n}}), n}; }

}  // namespace

TEST(TriggerQueue, RefusesWhenFullWhileSomethingDrainsIt) {
    TriggerQueue q(2);
    EXPECT_EQ(q.try_push(instance(1)), TriggerQueue::Pushed::queued);
    EXPECT_EQ(q.try_push(instance(2)), TriggerQueue::Pushed::queued);
    EXPECT_EQ(q.try_push(instance(3)), TriggerQueue::Pushed::refused);
    EXPECT_EQ(q.drain().size(), 2u);
    EXPECT_EQ(q.try_push(instance(4)), TriggerQueue::Pushed::queued) << "room again once drained";
}

TEST(TriggerQueue, DropsTheOldestWhenNothingConsumes) {
    TriggerQueue q(2, TriggerQueue::WhenFull::drop_oldest);
    for (int n = 1; n <= 5; ++n) EXPECT_NE(q.try_push(instance(n)), TriggerQueue::Pushed::refused);
    EXPECT_EQ(q.dropped(), 3u);
    auto kept = q.drain();
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].id, "4");
    EXPECT_EQ(kept[1].id, "5");
}

// The rules dispatcher sleeps in wait_drain() and is told to stop by
// wake_consumer(), not by waking now and then to look at a flag.
TEST(TriggerQueue, WakeConsumerEndsAWaitEmptyHanded) {
    TriggerQueue q(2);
    auto waiting = std::async(std::launch::async, [&] { return q.wait_drain(std::chrono::hours(1)); });
    // Woken until it returns: the wake may come before the wait begins, and
    // is kept for it (the next test).
    while (waiting.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) q.wake_consumer();
    EXPECT_TRUE(waiting.get().empty());
}

TEST(TriggerQueue, AWakeBeforeTheWaitIsKeptForIt) {
    TriggerQueue q(2);
    q.wake_consumer();
    auto waiting = std::async(std::launch::async, [&] { return q.wait_drain(std::chrono::hours(1)); });
    ASSERT_EQ(waiting.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "the wake was lost";
    EXPECT_TRUE(waiting.get().empty());
    // Used up: the next wait waits (for what arrives, here).
    auto next = std::async(std::launch::async, [&] { return q.wait_drain(std::chrono::hours(1)); });
    EXPECT_EQ(next.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
    q.try_push(instance(1));
    ASSERT_EQ(next.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(next.get().size(), 1u);
}

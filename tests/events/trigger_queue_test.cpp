// The trigger queue never blocks a producer: full, it refuses while
// something drains it, and while nothing does it keeps the newest.
#include <gtest/gtest.h>

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

// The worker pool starts threads as work arrives, never more than its size.
#include "executions/worker_pool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

using packhost::executions::WorkerPool;

namespace {

size_t threads_in_this_process() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

// Jobs that hold their worker until released.
struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    int running = 0, most = 0, done = 0;
    bool open = false;

    void job() {
        std::unique_lock lock(mu);
        most = std::max(most, ++running);
        cv.notify_all();
        cv.wait(lock, [&] { return open; });
        --running;
        ++done;
        cv.notify_all();
    }
    template <class Pred>
    bool wait(Pred pred) {
        std::unique_lock lock(mu);
        return cv.wait_for(lock, std::chrono::seconds(10), pred);
    }
};

}  // namespace

TEST(WorkerPool, StartsWorkersAsWorkArrivesUpToItsSize) {
    Gate gate;
    const size_t before = threads_in_this_process();
    WorkerPool pool(4, [&](WorkerPool::Job) { gate.job(); });
    EXPECT_EQ(threads_in_this_process(), before) << "a pool with nothing to do started threads";

    pool.post(nullptr);
    ASSERT_TRUE(gate.wait([&] { return gate.running == 1; }));
    EXPECT_EQ(threads_in_this_process(), before + 1);

    for (int i = 0; i < 5; ++i) pool.post(nullptr);
    ASSERT_TRUE(gate.wait([&] { return gate.running == 4; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(threads_in_this_process(), before + 4);

    {
        std::lock_guard lock(gate.mu);
        gate.open = true;
    }
    gate.cv.notify_all();
    ASSERT_TRUE(gate.wait([&] { return gate.done == 6; }));
    EXPECT_EQ(gate.most, 4);
    EXPECT_TRUE(pool.stop(std::chrono::milliseconds(2000)).empty());
}

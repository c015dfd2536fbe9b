#pragma once
// One thread that fires callbacks at CLOCK_MONOTONIC deadlines: how
// timeouts reach executions without a timer per execution.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace packhost::executions {

class DeadlineWatch {
public:
    DeadlineWatch();
    ~DeadlineWatch();
    DeadlineWatch(const DeadlineWatch&) = delete;
    DeadlineWatch& operator=(const DeadlineWatch&) = delete;

    // Runs `fn` on the watch thread at or soon after `deadline_ns`.
    void at(int64_t deadline_ns, std::function<void()> fn);
    void stop();

private:
    struct Entry {
        int64_t deadline_ns;
        uint64_t seq;
        std::function<void()> fn;
        bool operator>(const Entry& o) const {
            return deadline_ns != o.deadline_ns ? deadline_ns > o.deadline_ns : seq > o.seq;
        }
    };
    void loop();

    std::mutex mu_;
    std::condition_variable cv_;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
    uint64_t seq_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace packhost::executions

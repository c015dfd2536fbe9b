#pragma once
// A bounded set of threads running executions; no thread is created per
// call. Workers start as work arrives, up to the bound, so a command that
// runs one action starts one thread, not the whole pool. An idle worker
// spins briefly before it sleeps, so a steady stream of microsecond-long
// executions never pays a futex wake-up per call.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace packhost::executions {

class Execution;

class WorkerPool {
public:
    using Job = std::shared_ptr<Execution>;
    using Handler = std::function<void(Job)>;

    WorkerPool(size_t threads, Handler handler);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False (the job not taken) once stop() has begun.
    bool post(Job job);

    // Stops taking jobs, lets running ones finish for up to `grace`, and
    // returns the jobs that never started. A worker still stuck in an action
    // after `grace` is detached (in-process code cannot be killed) and
    // counted in abandoned_workers().
    std::vector<Job> stop(std::chrono::milliseconds grace);

    size_t abandoned_workers() const { return abandoned_; }

private:
    struct Worker {
        std::thread thread;
        std::atomic<bool> exited{false};
    };
    void loop(Worker& self);
    void start_worker();  // with mu_ held

    Handler handler_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable exited_cv_;
    std::deque<Job> queue_;
    std::atomic<size_t> queued_{0};
    size_t max_threads_;
    size_t sleepers_ = 0;
    // Started workers not running a job (spinning or asleep). Atomic, so that
    // finishing a job takes no lock; post() reads it only to decide whether
    // to start a thread, and one started too many is harmless.
    std::atomic<size_t> idle_{0};
    bool stopping_ = false;
    std::vector<std::unique_ptr<Worker>> threads_;
    size_t abandoned_ = 0;
};

}  // namespace packhost::executions

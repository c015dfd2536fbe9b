#include "executions/worker_pool.hpp"

#include <chrono>

#include "executions/execution.hpp"

namespace packhost::executions {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// How long an idle worker keeps polling before it sleeps.
constexpr auto kSpin = std::chrono::microseconds(50);

// A job posted by a worker while it runs one (a workflow starting its next
// task as the last one ends) is kept for that worker to run next: no other
// worker is woken, and the work stays where its data is warm. At most this
// many in a row, so that one workflow cannot hold a worker from the queue.
constexpr int kMaxContinuations = 64;
thread_local WorkerPool* t_pool = nullptr;
thread_local WorkerPool::Job t_next;

}  // namespace

WorkerPool::WorkerPool(size_t threads, Handler handler)
    : handler_(std::move(handler)), max_threads_(threads == 0 ? 1 : threads) {
    threads_.reserve(max_threads_);
}

void WorkerPool::start_worker() {
    auto w = std::make_unique<Worker>();
    Worker* raw = w.get();
    raw->thread = std::thread([this, raw] { loop(*raw); });
    threads_.push_back(std::move(w));
    idle_.fetch_add(1, std::memory_order_relaxed);
}

WorkerPool::~WorkerPool() { stop(std::chrono::milliseconds(2000)); }

bool WorkerPool::post(Job job) {
    if (t_pool == this && !t_next) {
        t_next = std::move(job);
        return true;
    }
    bool wake;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return false;
        queue_.push_back(std::move(job));
        queued_.fetch_add(1, std::memory_order_release);
        // Every started worker is busy with one already: start another.
        if (idle_.load(std::memory_order_relaxed) < queue_.size() && threads_.size() < max_threads_ && !stopping_)
            start_worker();
        wake = sleepers_ > 0;
    }
    if (wake) cv_.notify_one();
    return true;
}

void WorkerPool::loop(Worker& self) {
    t_pool = this;
    while (true) {
        if (queued_.load(std::memory_order_acquire) == 0) {
            auto until = std::chrono::steady_clock::now() + kSpin;
            for (unsigned i = 1; queued_.load(std::memory_order_acquire) == 0; ++i) {
                cpu_relax();
                if ((i & 63) == 0 && std::chrono::steady_clock::now() >= until) break;
            }
        }
        Job job;
        {
            std::unique_lock lock(mu_);
            while (queue_.empty() && !stopping_) {
                ++sleepers_;
                cv_.wait(lock);
                --sleepers_;
            }
            if (stopping_) break;
            job = std::move(queue_.front());
            queue_.pop_front();
            queued_.fetch_sub(1, std::memory_order_relaxed);
            idle_.fetch_sub(1, std::memory_order_relaxed);
        }
        handler_(std::move(job));
        for (int i = 0; t_next; ++i) {
            if (i == kMaxContinuations) {
                t_pool = nullptr;  // to the shared queue, like any post
                post(std::move(t_next));
                t_next = nullptr;
                t_pool = this;
                break;
            }
            Job next = std::move(t_next);
            t_next = nullptr;
            handler_(std::move(next));
        }
        idle_.fetch_add(1, std::memory_order_relaxed);
    }
    {
        std::lock_guard lock(mu_);
        self.exited.store(true);
    }
    exited_cv_.notify_all();
}

std::vector<WorkerPool::Job> WorkerPool::stop(std::chrono::milliseconds grace) {
    std::vector<Job> unstarted;
    {
        std::unique_lock lock(mu_);
        if (stopping_ && threads_.empty()) return unstarted;
        stopping_ = true;
        unstarted.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.clear();
        queued_.store(0);
    }
    cv_.notify_all();
    {
        std::unique_lock lock(mu_);
        exited_cv_.wait_for(lock, grace, [this] {
            for (const auto& w : threads_) {
                if (!w->exited.load()) return false;
            }
            return true;
        });
    }
    for (auto& w : threads_) {
        if (!w->thread.joinable()) continue;
        if (w->exited.load()) {
            w->thread.join();
        } else {
            w->thread.detach();
            ++abandoned_;
            // The detached thread still references its Worker; keep it.
            w.release();
        }
    }
    threads_.clear();
    return unstarted;
}

}  // namespace packhost::executions

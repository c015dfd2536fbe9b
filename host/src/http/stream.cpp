#include "http/stream.hpp"

namespace packhost::http {

bool Stream::push(std::string_view data) {
    std::unique_lock lock(mu_);
    if (closed_) return false;
    if (queued_.size() + data.size() > max_buffered_) {
        close_locked(lock, true);
        return false;
    }
    bool was_empty = queued_.empty();
    queued_.append(data);
    auto waker = was_empty ? waker_ : nullptr;
    lock.unlock();
    if (waker) waker();
    return true;
}

void Stream::close() {
    std::unique_lock lock(mu_);
    if (!closed_) close_locked(lock, false);
}

void Stream::close_locked(std::unique_lock<std::mutex>& lock, bool cut) {
    closed_ = true;
    cut_off_ = cut;
    if (cut) std::string().swap(queued_);
    auto waker = waker_;
    auto on_close = std::move(on_close_);
    on_close_ = nullptr;
    lock.unlock();
    if (on_close) on_close();
    if (waker) waker();
}

bool Stream::closed() const {
    std::lock_guard lock(mu_);
    return closed_;
}

bool Stream::cut_off() const {
    std::lock_guard lock(mu_);
    return cut_off_;
}

void Stream::on_close(std::function<void()> fn) {
    std::unique_lock lock(mu_);
    if (closed_) {
        lock.unlock();
        fn();
        return;
    }
    on_close_ = std::move(fn);
}

void Stream::set_waker(std::function<void()> waker) {
    std::lock_guard lock(mu_);
    waker_ = std::move(waker);
}

std::string Stream::take(bool& ended) {
    std::lock_guard lock(mu_);
    std::string out;
    out.swap(queued_);
    ended = closed_ && (out.empty() || cut_off_);
    if (cut_off_) out.clear();
    return out;
}

}  // namespace packhost::http

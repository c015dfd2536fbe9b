#pragma once
// A response body written while it is produced (server-sent events): the
// producer pushes text from any thread, the connection writes it out. What
// waits to be written is bounded: a reader that does not keep up is cut off
// (the stream closes) rather than allowed to grow the host's memory.
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace packhost::http {

class Stream {
public:
    explicit Stream(size_t max_buffered_bytes) : max_buffered_(max_buffered_bytes) {}

    // Queues `data`; false once the stream is closed. Pushing past the
    // bound closes it (cut_off() then says so).
    bool push(std::string_view data);
    // No more data: the connection ends once what is queued is written.
    void close();
    bool closed() const;
    bool cut_off() const;

    // Called (once) when the stream closes, from whichever side closed it:
    // the producer unsubscribes here.
    void on_close(std::function<void()> fn);

    // The connection's side. `waker` is called, on the pushing thread,
    // when data arrives or the stream closes.
    void set_waker(std::function<void()> waker);
    // Takes what is queued; `ended` is set once the stream is closed and
    // nothing is left (or it was cut off: what is queued is dropped).
    std::string take(bool& ended);

private:
    void close_locked(std::unique_lock<std::mutex>& lock, bool cut);

    mutable std::mutex mu_;
    const size_t max_buffered_;
    std::string queued_;
    bool closed_ = false;
    bool cut_off_ = false;
    std::function<void()> waker_;
    std::function<void()> on_close_;
};

}  // namespace packhost::http

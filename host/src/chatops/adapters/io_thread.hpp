#pragma once
// An Asio runtime with a thread of its own, for the chat adapters'
// connections (IRC). On the HTTP server's runtime (two threads), the thread
// that took a line off the socket first woke the other to keep watching the
// sockets: on a virtual machine that costs tens of microseconds, and IRC
// round trips were 0.72 ms (median of four runs) against 0.69 ms here. Chat
// also shares no thread with HTTP requests.
#include <memory>

namespace boost::asio {
class io_context;
}

namespace packhost::chatops::adapters {

class IoThread {
public:
    IoThread();  // the thread runs from here on
    ~IoThread();
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;

    boost::asio::io_context& io_context();
    // Ends the thread; handlers not yet run are dropped. Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace packhost::chatops::adapters

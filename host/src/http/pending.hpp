#pragma once
// A response given later, once work on another thread is done (an
// execution's record committed by the store's writer): the handler returns a
// Response whose `pending` is set and hands this to that work, which calls
// finish(). Meanwhile the connection waits without holding an I/O thread, so
// that a few threads keep many requests in flight.
#include <functional>
#include <mutex>
#include <vector>

namespace packhost::http {

struct Response;

class Pending {
public:
    using Make = std::function<Response()>;

    // Once, from any thread. `make` is run on the connection's I/O thread
    // (what it throws is answered as a 500).
    void finish(Make make);

    // `after` sees (and may change) the response once made, on the I/O
    // thread: what wraps a handler (counting responses by code) uses this.
    void then(std::function<void(Response&)> after);

    // The server's side: `deliver` gets finish()'s `make` once, at once when
    // it was given already. After abandon() (the server stops) it is dropped
    // and never called; abandon() returns once no call of it is under way.
    void on_finish(std::function<void(Make)> deliver);
    void abandon();

private:
    Make with_afters(Make make);  // under mu_

    std::mutex mu_;
    std::vector<std::function<void(Response&)>> afters_;
    Make made_;
    std::function<void(Make)> deliver_;
    bool finished_ = false;
    bool abandoned_ = false;
};

}  // namespace packhost::http

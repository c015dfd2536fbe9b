#include "http/pending.hpp"

#include "http/message.hpp"

namespace packhost::http {

// `deliver` is called under the lock: abandon() must not return while a
// delivery may still reach a server that is going away.
void Pending::finish(Make make) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    if (abandoned_) return;
    if (!deliver_) {
        made_ = std::move(make);
        return;
    }
    auto deliver = std::move(deliver_);
    deliver_ = nullptr;
    deliver(with_afters(std::move(make)));
}

void Pending::then(std::function<void(Response&)> after) {
    std::lock_guard lock(mu_);
    afters_.push_back(std::move(after));
}

Pending::Make Pending::with_afters(Make make) {
    if (afters_.empty()) return make;
    auto afters = std::move(afters_);
    afters_.clear();
    return [make = std::move(make), afters = std::move(afters)] {
        Response r = make();
        for (const auto& after : afters) after(r);
        return r;
    };
}

void Pending::on_finish(std::function<void(Make)> deliver) {
    std::lock_guard lock(mu_);
    if (abandoned_) return;
    if (!finished_) {
        deliver_ = std::move(deliver);
        return;
    }
    deliver(with_afters(std::move(made_)));
    made_ = nullptr;
}

void Pending::abandon() {
    std::function<void(Make)> dropped;
    {
        std::lock_guard lock(mu_);
        abandoned_ = true;
        dropped = std::move(deliver_);
        deliver_ = nullptr;
        made_ = nullptr;
        afters_.clear();
    }
    // Destroyed outside the lock: it may hold the last reference to a connection.
}

}  // namespace packhost::http

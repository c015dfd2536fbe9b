#include "events/timers/timer_service.hpp"

#include <map>
#include <set>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

namespace packhost::events::timers {

struct TimerService::Timer {
    std::string type;
    Json parameters;
    Schedule schedule;
    uint64_t armed = 0;  // the runtime's id of the pending wait; 0 when none
    int64_t next_us = 0;
};

// What the runtime's callbacks reach: they hold it weakly, so that one
// firing after the service is gone does nothing.
struct TimerService::Shared {
    At at;
    Cancel cancel;
    Emit emit;
    Now now;
    mutable std::mutex mu;
    std::map<std::string, Timer> timers;  // by type + '\n' + parameters
};

TimerService::TimerService(At at, Cancel cancel, Emit emit, Now now) : shared_(std::make_shared<Shared>()) {
    shared_->at = std::move(at);
    shared_->cancel = std::move(cancel);
    shared_->emit = std::move(emit);
    shared_->now = std::move(now);
}

std::unique_ptr<TimerService> TimerService::on_server(http::Server& server, Emit emit) {
    return std::make_unique<TimerService>(
        [&server](int64_t when_us, std::function<void()> fn) {
            return server.at(std::chrono::system_clock::time_point(std::chrono::microseconds(when_us)), std::move(fn));
        },
        [&server](uint64_t id) { server.cancel(id); }, std::move(emit), [] { return core::now_us(); });
}

TimerService::~TimerService() {
    std::lock_guard lock(shared_->mu);
    for (auto& [key, t] : shared_->timers)
        if (t.armed) shared_->cancel(t.armed);
    shared_->timers.clear();
}

void TimerService::set(const std::vector<TimerRequest>& wanted, std::vector<std::string>& problems) {
    std::set<std::string> keep;
    std::vector<std::string> added;
    {
        std::lock_guard lock(shared_->mu);
        int64_t now = shared_->now();
        for (const auto& w : wanted) {
            std::string key = w.type + '\n' + w.parameters.dump();
            if (!keep.insert(key).second || shared_->timers.count(key)) continue;
            try {
                Timer t{w.type, w.parameters, Schedule::parse(w.type, w.parameters, now), 0, 0};
                shared_->timers.emplace(key, std::move(t));
                added.push_back(key);
            } catch (const core::ValidationError& e) {
                for (const auto& p : e.problems()) problems.push_back(w.type + " " + w.parameters.dump() + ": " + p);
                keep.erase(key);
            }
        }
        for (auto it = shared_->timers.begin(); it != shared_->timers.end();) {
            if (keep.count(it->first)) {
                ++it;
                continue;
            }
            if (it->second.armed) shared_->cancel(it->second.armed);
            it = shared_->timers.erase(it);
        }
    }
    int64_t now = shared_->now();
    for (const auto& key : added) arm(shared_, key, now);
}

size_t TimerService::size() const {
    std::lock_guard lock(shared_->mu);
    return shared_->timers.size();
}

void TimerService::arm(const std::shared_ptr<Shared>& shared, const std::string& key, int64_t after_us) {
    std::lock_guard lock(shared->mu);
    auto it = shared->timers.find(key);
    if (it == shared->timers.end()) return;
    auto next = it->second.schedule.next_after(after_us);
    if (!next) {
        it->second.armed = 0;
        core::log::info("timer {} {} will not fire again", it->second.type, it->second.parameters.dump());
        return;
    }
    it->second.next_us = *next;
    // The id is known only once `at` returns, and the wait may end before
    // that: the callback reads it under the lock this holds until then.
    auto slot = std::make_shared<uint64_t>(0);
    std::weak_ptr<Shared> weak = shared;
    it->second.armed = shared->at(*next, [weak, key, slot] {
        if (auto alive = weak.lock()) fire(alive, key, slot);
    });
    *slot = it->second.armed;
}

void TimerService::fire(const std::shared_ptr<Shared>& shared, const std::string& key,
                        const std::shared_ptr<uint64_t>& armed_id) {
    std::string type;
    Json parameters;
    int64_t due = 0;
    {
        std::lock_guard lock(shared->mu);
        auto it = shared->timers.find(key);
        if (it == shared->timers.end() || it->second.armed != *armed_id) return;  // replaced or stopped
        it->second.armed = 0;
        type = it->second.type;
        parameters = it->second.parameters;
        due = it->second.next_us;
    }
    Json payload = Json::object();
    payload["executed_at"] = python_utc_text(shared->now());
    payload["schedule"] = parameters.contains("time") ? parameters["time"] : Json(nullptr);
    try {
        shared->emit(type, std::move(payload), parameters);
    } catch (const std::exception& e) {
        core::log::warn("timer {} {}: {}", type, parameters.dump(), e.what());
    }
    // From the time it was due, not from now: a late wake-up does not
    // shift the schedule.
    arm(shared, key, due);
}

}  // namespace packhost::events::timers

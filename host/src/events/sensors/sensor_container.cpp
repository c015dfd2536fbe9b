#include "events/sensors/sensor_container.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "events/trigger_types.hpp"

namespace packhost::events::sensors {
struct SensorContainer::Worker {
    SensorSpec spec;
    Report report;
    Options options;

    mutable std::mutex mu;
    std::condition_variable cv;
    bool enabled = true;
    bool quit = false;
    SensorState state;
    std::thread thread;

    // Waits up to `d`; true when the sensor should stop (quit or switched off).
    bool wait_or_stop(std::chrono::milliseconds d) {
        std::unique_lock lock(mu);
        cv.wait_for(lock, d, [&] { return quit || !enabled; });
        return quit || !enabled;
    }

    void set_state(const std::string& s, const std::string& error = {}) {
        std::lock_guard lock(mu);
        state.state = s;
        if (!error.empty()) state.last_error = error;
    }

    Json lifecycle(const char* what) const {
        Json p = Json::object();
        p["id"] = spec.ref;
        p["timestamp"] = core::iso8601(core::now_us());
        p["pid"] = static_cast<int64_t>(::getpid());
        p["event"] = what;
        return p;
    }

    void emit(const char* trigger, Json payload) {
        try {
            report(trigger, std::move(payload));
        } catch (const std::exception& e) {
            core::log::warn("sensor {}: {} not emitted: {}", spec.ref, trigger, e.what());
        }
    }

    // One instance from start to stop; returns why it failed ("" when it
    // was asked to stop).
    std::string run_once() {
        const auto& s = spec.resolve();
        std::string config = spec.config ? spec.config() : std::string("{}");
        std::string error;
        auto w = packs::message_writer(error);
        void* instance = nullptr;
        set_state("starting");
        if (s.start(s.user, config.data(), config.size(), &instance, &w) != PH_OK) {
            return "start failed: " + (error.empty() ? std::string("no reason given") : error);
        }
        set_state("running");
        emit(system_triggers::kSensorSpawn, lifecycle("spawn"));
        core::log::info("sensor {} started", spec.ref);
        std::string failure;
        if (spec.poll_interval_seconds > 0 && s.poll) {
            auto interval = options.poll_interval_override.count() > 0
                                ? options.poll_interval_override
                                : std::chrono::milliseconds(int64_t(spec.poll_interval_seconds) * 1000);
            unsigned failures = 0;
            do {
                error.clear();
                if (s.poll(s.user, instance, &w) == PH_OK) {
                    failures = 0;
                    continue;
                }
                ++failures;
                core::log::warn("sensor {}: poll failed ({} in a row): {}", spec.ref, failures, error);
                if (failures >= options.poll_failures_before_restart) {
                    failure = "poll failed " + std::to_string(failures) + " times in a row: " + error;
                    break;
                }
            } while (!wait_or_stop(interval));
        } else {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return quit || !enabled; });
        }
        s.stop(s.user, instance);
        return failure;
    }

    void loop() {
        auto backoff = options.backoff_initial;
        for (;;) {
            {
                std::unique_lock lock(mu);
                if (!enabled) state.state = "disabled";
                cv.wait(lock, [&] { return quit || enabled; });
                if (quit) break;
            }
            auto began = std::chrono::steady_clock::now();
            std::string failure;
            try {
                failure = run_once();
            } catch (const std::exception& e) {
                failure = e.what();  // the pack's library could not be mapped
            }
            bool healthy = std::chrono::steady_clock::now() - began >= options.healthy_after;
            Json exit = lifecycle("exit");
            exit["exit_code"] = failure.empty() ? 0 : 1;
            if (!failure.empty()) exit["reason"] = failure;
            emit(system_triggers::kSensorExit, std::move(exit));
            if (failure.empty()) {
                core::log::info("sensor {} stopped", spec.ref);
                backoff = options.backoff_initial;
                continue;
            }
            if (healthy) backoff = options.backoff_initial;
            core::log::error("sensor {}: {}; starting it again in {} ms", spec.ref, failure, backoff.count());
            {
                std::lock_guard lock(mu);
                ++state.restarts;
                state.last_error = failure;
                state.state = "waiting to restart";
            }
            wait_or_stop(backoff);
            backoff = std::min(backoff * 2, options.backoff_max);
        }
        set_state("stopped");
    }
};

SensorContainer::SensorContainer(std::vector<SensorSpec> specs, Report report, Options options) {
    for (auto& spec : specs) {
        auto w = std::make_unique<Worker>();
        w->enabled = spec.enabled;
        w->state.ref = spec.ref;
        w->state.enabled = spec.enabled;
        w->state.state = spec.enabled ? "starting" : "disabled";
        w->spec = std::move(spec);
        w->report = report;
        w->options = options;
        workers_.push_back(std::move(w));
    }
}

SensorContainer::~SensorContainer() { stop(); }

void SensorContainer::stop() {
    for (auto& w : workers_) {
        std::lock_guard lock(w->mu);
        w->quit = true;
        w->cv.notify_all();
    }
    for (auto& w : workers_)
        if (w->thread.joinable()) w->thread.join();
}

void SensorContainer::start() {
    for (auto& w : workers_) {
        if (!w->thread.joinable()) w->thread = std::thread([worker = w.get()] { worker->loop(); });
    }
}

void SensorContainer::apply_switches(const std::map<std::string, bool>& switches) {
    for (auto& w : workers_) {
        auto it = switches.find(w->spec.ref);
        bool enabled = it == switches.end() ? w->spec.enabled : it->second;
        std::lock_guard lock(w->mu);
        if (w->enabled == enabled) continue;
        w->enabled = enabled;
        w->state.enabled = enabled;
        w->cv.notify_all();
    }
}

std::vector<SensorState> SensorContainer::states() const {
    std::vector<SensorState> out;
    for (const auto& w : workers_) {
        std::lock_guard lock(w->mu);
        out.push_back(w->state);
    }
    return out;
}

size_t SensorContainer::size() const { return workers_.size(); }

}  // namespace packhost::events::sensors

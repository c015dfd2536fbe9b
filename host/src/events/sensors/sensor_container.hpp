#pragma once
// Runs the packs' native sensors in packhost serve, each on a thread of its
// own: start with the pack's config, poll every poll interval (polling
// sensors), stop. A sensor whose start fails, which throws, or whose polls
// keep failing is stopped, reported (the log and a
// core.st2.sensor.process_exit instance with the reason) and started again
// after a delay that doubles each time (1 s up to 60 s; back to 1 s once it
// has run well for a while), never taking the host down. Sensors can be
// switched off and on while it runs (`packhost sensor disable|enable`).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "packs/native_library.hpp"

namespace packhost::events::sensors {

struct SensorSpec {
    std::string ref;  // pack.name
    std::string description;
    std::vector<std::string> trigger_types;
    uint32_t poll_interval_seconds = 0;
    bool enabled = true;  // as the pack declares it (a switch may change it)
    // The sensor's functions (mapping the pack's library when it was only
    // described by the pack index), and the pack's config as JSON text.
    std::function<const packs::NativeSensor&()> resolve;
    std::function<std::string()> config;
};

struct SensorState {
    std::string ref;
    bool enabled = true;
    std::string state;  // running, starting, waiting to restart, disabled, stopped
    uint32_t restarts = 0;
    std::string last_error;
};

class SensorContainer {
public:
    struct Options {
        std::chrono::milliseconds backoff_initial{1000};
        std::chrono::milliseconds backoff_max{60000};
        // Failed polls in a row after which the instance is restarted.
        unsigned poll_failures_before_restart = 3;
        // A run this long resets the delay to backoff_initial.
        std::chrono::milliseconds healthy_after{10000};
        // Tests: poll this often instead of the sensor's interval.
        std::chrono::milliseconds poll_interval_override{0};
    };
    // core.st2.sensor.process_spawn / process_exit with their payload.
    using Report = std::function<void(const std::string& trigger, Json payload)>;

    SensorContainer(std::vector<SensorSpec> specs, Report report, Options options);
    // Stops every sensor (each stop() returns before this does).
    ~SensorContainer();
    // The same, earlier; switches applied later change nothing.
    void stop();
    SensorContainer(const SensorContainer&) = delete;
    SensorContainer& operator=(const SensorContainer&) = delete;

    // Starts the threads of the enabled sensors.
    void start();
    // Switches by ref (absent: as the pack declares); a sensor switched off
    // is stopped, one switched on is started.
    void apply_switches(const std::map<std::string, bool>& switches);
    std::vector<SensorState> states() const;
    size_t size() const;

private:
    struct Worker;
    std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace packhost::events::sensors

// The sensor container with a real pack library (fixtures/sensors): a
// polling sensor dispatches and keeps its count in the datastore across a
// restart; one whose poll throws and one whose start fails are reported
// (process_exit with the reason) and started again with growing delays,
// the host fine; a passive sensor's own thread dispatches until it is
// switched off, and starts again when switched on.
#include "events/sensors/sensor_container.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <thread>

#include "host.hpp"
#include "support/host_options.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using namespace std::chrono_literals;
using events::sensors::SensorContainer;

namespace {

class Sensors : public ::testing::Test {
protected:
    void SetUp() override { host_ = std::make_unique<Host>(packhost::testing::fixture_host_options(dir_.path())); }

    std::unique_ptr<SensorContainer> container(std::vector<std::string> only) {
        std::vector<events::sensors::SensorSpec> specs;
        for (auto& s : host_->sensor_specs()) {
            if (std::find(only.begin(), only.end(), s.ref) != only.end()) specs.push_back(std::move(s));
        }
        SensorContainer::Options fast;
        fast.backoff_initial = 40ms;
        fast.backoff_max = 160ms;
        fast.poll_interval_override = 20ms;
        return std::make_unique<SensorContainer>(
            std::move(specs),
            [this](const std::string& trigger, Json payload) { host_->emit_trigger(trigger, std::move(payload)); },
            fast);
    }

    // Trigger instances queued so far, by trigger type.
    std::map<std::string, std::vector<Json>> drain() {
        std::map<std::string, std::vector<Json>> out;
        for (auto& i : host_->triggers().drain()) out[i.trigger].push_back(*i.payload);
        return out;
    }

    packhost::testing::TempDir dir_{"packhost-sensors"};
    std::unique_ptr<Host> host_;
};

}  // namespace

TEST_F(Sensors, APackDescribesItsSensorsWithTheirTriggerTypes) {
    std::map<std::string, events::sensors::SensorSpec> by_ref;
    for (auto& s : host_->sensor_specs()) by_ref.emplace(s.ref, std::move(s));
    ASSERT_TRUE(by_ref.count("sensors.ticker"));
    EXPECT_EQ(by_ref["sensors.ticker"].poll_interval_seconds, 1u);
    EXPECT_EQ(by_ref["sensors.ticker"].trigger_types, std::vector<std::string>{"sensors.tick"});
    EXPECT_EQ(by_ref["sensors.listener"].poll_interval_seconds, 0u);
    EXPECT_TRUE(host_->trigger_types().contains("sensors.heard"));
}

TEST_F(Sensors, APollingSensorDispatchesAndKeepsItsStateAcrossARestart) {
    // Until `n` instances are queued (up to 10 s, for loaded machines).
    auto queued = [this](size_t n) {
        for (int i = 0; i < 1000 && host_->triggers().size() < n; ++i) std::this_thread::sleep_for(10ms);
    };
    auto c = container({"sensors.ticker"});
    c->start();
    queued(4);  // process_spawn and three ticks
    c.reset();
    auto first = drain();
    ASSERT_GE(first["sensors.tick"].size(), 3u);
    EXPECT_EQ(first["sensors.tick"][0]["n"], 1);
    EXPECT_EQ(first["core.st2.sensor.process_spawn"].size(), 1u);
    ASSERT_EQ(first["core.st2.sensor.process_exit"].size(), 1u);
    EXPECT_EQ(first["core.st2.sensor.process_exit"][0]["exit_code"], 0);
    EXPECT_EQ(first["core.st2.sensor.process_exit"][0]["id"], "sensors.ticker");
    int last = first["sensors.tick"].back()["n"];
    // A new instance (a restarted serve) goes on from the datastore.
    c = container({"sensors.ticker"});
    c->start();
    queued(2);
    c.reset();
    auto second = drain();
    ASSERT_FALSE(second["sensors.tick"].empty());
    EXPECT_EQ(second["sensors.tick"][0]["n"], last + 1);
}

TEST_F(Sensors, FailingSensorsAreReportedAndStartedAgainWithGrowingDelays) {
    auto c = container({"sensors.flaky", "sensors.broken"});
    c->start();
    std::this_thread::sleep_for(600ms);
    auto states = c->states();
    c.reset();
    std::map<std::string, events::sensors::SensorState> by_ref;
    for (auto& s : states) by_ref[s.ref] = s;
    // Start failures: 40, 80, 160, 160 ms apart → 4 or 5 in 600 ms, not 15.
    EXPECT_GE(by_ref["sensors.broken"].restarts, 3u);
    EXPECT_LE(by_ref["sensors.broken"].restarts, 6u);
    EXPECT_EQ(by_ref["sensors.broken"].last_error, "start failed: cannot connect to the queue");
    EXPECT_GE(by_ref["sensors.flaky"].restarts, 2u);
    EXPECT_EQ(by_ref["sensors.flaky"].last_error, "poll failed 3 times in a row: upstream unavailable");
    auto got = drain();
    size_t broken_exits = 0, flaky_exits = 0;
    for (const auto& p : got["core.st2.sensor.process_exit"]) {
        EXPECT_EQ(p["exit_code"], 1);
        (p["id"] == "sensors.broken" ? broken_exits : flaky_exits)++;
    }
    EXPECT_GE(broken_exits, 3u);
    EXPECT_GE(flaky_exits, 2u);
    // Only the one that started was ever spawned.
    for (const auto& p : got["core.st2.sensor.process_spawn"]) EXPECT_EQ(p["id"], "sensors.flaky");
}

TEST_F(Sensors, APassiveSensorRunsUntilSwitchedOffAndAgainWhenSwitchedOn) {
    // Waits (up to 10 s, for loaded machines) until `done` holds.
    auto eventually = [](const std::function<bool()>& done) {
        for (int i = 0; i < 1000; ++i) {
            if (done()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    };
    auto c = container({"sensors.listener"});
    c->start();
    size_t heard = 0;
    EXPECT_TRUE(eventually([&] { return (heard += drain()["sensors.heard"].size()) >= 2; }));
    c->apply_switches({{"sensors.listener", false}});
    EXPECT_TRUE(eventually([&] { return c->states()[0].state == "disabled"; }));
    drain();
    std::this_thread::sleep_for(80ms);
    EXPECT_TRUE(drain()["sensors.heard"].empty()) << "nothing is heard while it is off";
    c->apply_switches({});  // back to what the pack declares: on
    EXPECT_TRUE(eventually([&] { return c->states()[0].state == "running"; }));
    EXPECT_TRUE(eventually([&] { return !drain()["sensors.heard"].empty(); }));
}

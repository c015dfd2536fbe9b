// The rules engine (issue: sensors, timers and rules): trigger instances per
// second through 1,000 rules over 50 trigger types, criteria and parameter
// rendering included, execution dispatch excluded (the start function
// returns at once; goal >= 100,000 instances/s). Each instance meets the 20
// rules of its type: three criteria each (one of them a search), one rule
// matches and renders two templated parameters.
#include <date/date.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "actions/action.hpp"
#include "actions/registry.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "events/rules/engine.hpp"
#include "events/timers/timer_service.hpp"
#include "http/server.hpp"

#include "median_time.hpp"

namespace {

using namespace packhost;
using namespace packhost::events::rules;

// How late timers fire on the service's runtime (the HTTP server's I/O
// thread): 100 DateTimers 15 ms apart, each firing's delay after its due
// time. Goal: within 50 ms.
void timer_lateness() {
    http::ServerOptions o;
    o.port = 0;
    o.threads = 1;
    http::Server server(o, [](http::Request&) { return http::Response::json(200, Json::object()); });
    server.start();
    std::mutex mu;
    std::condition_variable cv;
    std::vector<int64_t> late;
    std::map<std::string, int64_t> due;
    {
        auto timers = events::timers::TimerService::on_server(server, [&](const std::string&, Json, Json parameters) {
            int64_t now = core::now_us();
            std::lock_guard lock(mu);
            late.push_back(now - due.at(parameters["date"].get<std::string>()));
            cv.notify_all();
        });
        std::vector<events::timers::TimerRequest> wanted;
        int64_t first = core::now_us() + 200'000;
        for (int i = 0; i < 100; ++i) {
            int64_t at = first + i * 15'000;
            auto tp = date::sys_time<std::chrono::microseconds>{std::chrono::microseconds(at)};
            std::string text = date::format("%Y-%m-%dT%H:%M:%SZ", tp);
            due[text] = at;
            wanted.push_back({"core.st2.DateTimer", {{"date", text}}});
        }
        std::vector<std::string> problems;
        timers->set(wanted, problems);
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return late.size() == 100; });
    }
    server.stop();
    std::sort(late.begin(), late.end());
    if (late.empty()) return;
    std::printf("\ntimers on the service's runtime (%zu DateTimers 15 ms apart)\n\n", late.size());
    std::printf("  %-55s %10.2f ms\n", "firing after its due time, median", late[late.size() / 2] / 1000.0);
    std::printf("  %-55s %10.2f ms\n", "firing after its due time, p99", late[late.size() * 99 / 100] / 1000.0);
    std::printf("  %-55s %10.2f ms   goal <= 50 ms\n", "firing after its due time, max", late.back() / 1000.0);
}

Rule make_rule(int type, int n) {
    Json doc = {{"name", "r" + std::to_string(type) + "_" + std::to_string(n)},
                {"pack", "bench"},
                {"trigger", {{"type", "bench.t" + std::to_string(type)}}},
                {"criteria",
                 {{"trigger.body.kind", {{"type", "equals"}, {"pattern", "k" + std::to_string(n)}}},
                  {"trigger.headers['X-Source']", {{"type", "startswith"}, {"pattern", "mon"}}},
                  {"trigger.body.items",
                   {{"type", "search"},
                    {"condition", "any"},
                    {"pattern", {{"item.level", {{"type", "gt"}, {"pattern", 2}}}}}}}}},
                {"action",
                 {{"ref", "bench.report"},
                  {"parameters",
                   {{"project", "{{ trigger.body.project | upper }}"},
                    {"summary", "{{ trigger.body.kind }} from {{ trigger.headers['X-Source'] }}"}}}}}};
    return Rule::parse(doc, "bench");
}

}  // namespace

int main() {
    packhost::core::log::set_level(packhost::core::log::Level::off);
    // The action the rules run: declared parameters (so they are cast), never run.
    actions::Registry registry;
    auto action = std::make_shared<actions::Action>();
    action->ref = "bench.report";
    action->pack = "bench";
    action->name = "report";
    action->runner_type = "native";
    action->parameters = actions::ParameterSpec::compile(
        Json{{"type", "object"},
             {"properties", {{"project", {{"type", "string"}}}, {"summary", {{"type", "string"}}}}}},
        "bench.report");
    registry.add(action);
    size_t started = 0;
    Engine engine(registry, nullptr, nullptr, [&started](executions::Request) {
        ++started;
        return std::string("bench");
    });
    for (int t = 0; t < 50; ++t) {
        for (int n = 0; n < 20; ++n) engine.add(make_rule(t, n));
    }
    std::vector<events::TriggerInstance> instances;
    for (int t = 0; t < 50; ++t) {
        Json payload = {{"headers", {{"X-Source", "monitoring"}}},
                        {"body",
                         {{"kind", "k" + std::to_string(t % 20)},
                          {"project", "demo"},
                          {"items", Json::array({{{"level", 1}}, {{"level", 3}}})}}}};
        instances.push_back({"ti" + std::to_string(t), "bench.t" + std::to_string(t), packhost::share(payload), 1});
    }
    size_t next = 0;
    double ns = median_ns(15, 2000, [&] { engine.process(instances[next++ % instances.size()]); });
    std::printf("rules engine benchmark (%zu rules over 50 trigger types; dispatch excluded)\n\n", engine.size());
    std::printf("  %-55s %10.0f ns\n", "one trigger instance (20 rules tried, 1 matches)", ns);
    std::printf("  %-55s %10.0f /s   goal >= 100,000/s\n", "trigger instances per second", 1e9 / ns);
    std::printf("  (%zu executions would have started)\n", started);
    timer_lateness();
    return 0;
}

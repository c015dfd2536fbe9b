#pragma once
// The host's metrics in Prometheus's text format (GET /metrics), kept with
// Debian's prometheus-cpp (its core: registry, counters, histograms and the
// text serializer; not its HTTP exposer, the host's own server answers).
// Executions and trigger instances are counted from the event bus, so that
// whatever starts them (REST, CLI, rules, chat) is counted the same way;
// requests are counted by the REST API with the route's pattern, never the
// raw path (one series per route, not per id).
#include <memory>
#include <string>
#include <string_view>

namespace packhost {
class Host;
namespace events {
class EventBus;
}
}  // namespace packhost

namespace packhost::api {

class Metrics {
public:
    // `bus` may be null: execution and trigger counts then stay at zero.
    Metrics(Host& host, events::EventBus* bus);
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    void count_request(std::string_view method, const std::string& route, int status);
    // Everything, as text/plain; version=0.0.4.
    std::string text() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace packhost::api

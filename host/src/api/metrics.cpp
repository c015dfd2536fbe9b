#include "api/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <unordered_map>

#include "core/status.hpp"
#include "events/event_bus.hpp"
#include "host.hpp"

namespace packhost::api {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

namespace {

// Family::Add builds a label map, hashes it and locks the family at every
// call (for each request and under the event bus's lock for each event):
// a series once found is kept here, by its label values in one string.
template <typename Metric>
class Series {
public:
    explicit Series(prometheus::Family<Metric>& family) : family_(family) {}

    template <typename MakeLabels, typename... Extra>
    Metric& at(const std::string& key, MakeLabels make_labels, const Extra&... extra) {
        std::lock_guard lock(mu_);
        auto it = found_.find(key);
        if (it == found_.end()) it = found_.emplace(key, &family_.Add(make_labels(), extra...)).first;
        return *it->second;
    }

private:
    prometheus::Family<Metric>& family_;
    std::mutex mu_;
    std::unordered_map<std::string, Metric*> found_;
};

}  // namespace

struct Metrics::Impl {
    Host& host;
    events::EventBus* bus;
    uint64_t token = 0;
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& started = BuildCounter()
                                                           .Name("packhost_executions_started_total")
                                                           .Help("Executions accepted, by action")
                                                           .Register(*registry);
    prometheus::Family<prometheus::Counter>& finished =
        BuildCounter()
            .Name("packhost_executions_finished_total")
            .Help("Executions that reached a final status, by action and status")
            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& duration = BuildHistogram()
                                                              .Name("packhost_execution_duration_seconds")
                                                              .Help("From start to final status, by action")
                                                              .Register(*registry);
    prometheus::Family<prometheus::Counter>& triggers = BuildCounter()
                                                            .Name("packhost_trigger_instances_total")
                                                            .Help("Trigger instances, by trigger type")
                                                            .Register(*registry);
    prometheus::Family<prometheus::Counter>& requests =
        BuildCounter()
            .Name("packhost_http_requests_total")
            .Help("HTTP requests answered, by method, route pattern and status code")
            .Register(*registry);
    prometheus::Gauge& queued = BuildGauge()
                                    .Name("packhost_executions_unfinished")
                                    .Help("Executions accepted and not yet finished (the queue and the running)")
                                    .Register(*registry)
                                    .Add({});
    prometheus::Gauge& trigger_queue = BuildGauge()
                                           .Name("packhost_trigger_queue_depth")
                                           .Help("Trigger instances waiting to be processed")
                                           .Register(*registry)
                                           .Add({});
    prometheus::Gauge& packs =
        BuildGauge().Name("packhost_packs_loaded").Help("Packs loaded").Register(*registry).Add({});

    // Seconds, from a native action's microseconds to a long workflow's hour.
    static const prometheus::Histogram::BucketBoundaries& buckets() {
        static const prometheus::Histogram::BucketBoundaries bounds{0.0001, 0.001, 0.01, 0.1, 0.5, 1,
                                                                    5,      30,    120,  600, 3600};
        return bounds;
    }

    Series<prometheus::Counter> started_by{started}, finished_by{finished}, triggers_by{triggers},
        requests_by{requests};
    Series<prometheus::Histogram> duration_by{duration};

    Impl(Host& h, events::EventBus* b) : host(h), bus(b) {}

    bool on_event(const events::EventPtr& e) {
        const std::string& ref = e->ref;
        if (e->type == "st2.execution__create") {
            started_by.at(ref, [&] { return prometheus::Labels{{"action", ref}}; }).Increment();
        } else if (e->type == "st2.execution__update") {
            auto status = core::parse_status(e->status);
            if (status && core::is_completed(*status)) {
                finished_by
                    .at(ref + '\n' + e->status,
                        [&] {
                            return prometheus::Labels{{"action", ref}, {"status", e->status}};
                        })
                    .Increment();
                if (e->elapsed_seconds >= 0) {
                    duration_by
                        .at(
                            ref,
                            [&] {
                                return prometheus::Labels{{"action", ref}};
                            },
                            buckets())
                        .Observe(e->elapsed_seconds);
                }
            }
        } else if (e->type == "st2.trigger_instance__create") {
            triggers_by.at(ref, [&] { return prometheus::Labels{{"trigger", ref}}; }).Increment();
        }
        return true;
    }
};

Metrics::Metrics(Host& host, events::EventBus* bus) : impl_(std::make_unique<Impl>(host, bus)) {
    if (bus)
        impl_->token = bus->subscribe([impl = impl_.get()](const events::EventPtr& e) { return impl->on_event(e); });
}

Metrics::~Metrics() {
    if (impl_->bus) impl_->bus->unsubscribe(impl_->token);
}

void Metrics::count_request(std::string_view method, const std::string& route, int status) {
    std::string key;
    key.reserve(method.size() + route.size() + 5);
    key.append(method).append(1, ' ').append(std::to_string(status)).append(1, ' ').append(route);
    impl_->requests_by
        .at(key,
            [&] {
                return prometheus::Labels{
                    {"method", std::string(method)}, {"route", route}, {"code", std::to_string(status)}};
            })
        .Increment();
}

std::string Metrics::text() const {
    impl_->queued.Set(static_cast<double>(impl_->host.scheduler().unfinished()));
    impl_->trigger_queue.Set(static_cast<double>(impl_->host.triggers().size()));
    impl_->packs.Set(static_cast<double>(impl_->host.catalog().loaded().size()));
    return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace packhost::api

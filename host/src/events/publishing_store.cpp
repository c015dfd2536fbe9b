#include "events/publishing_store.hpp"

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "executions/record_view.hpp"
#include "store/forwarding_store.hpp"

namespace packhost::events {
namespace {

size_t approx_bytes(const store::ExecutionRecord& r) {
    size_t bytes = sizeof(Event) + sizeof(r) + r.id.size() + r.action.size() + r.sealed_secrets.size();
    for (const Json* j : {&r.parameters, &r.result, &r.context, &r.log}) bytes += core::json_memory_bytes(*j);
    if (r.context_text) bytes += r.context_text->size();
    return bytes;
}

class PublishingStore final : public store::ForwardingStore {
public:
    PublishingStore(std::unique_ptr<store::Store> inner, EventBus& bus)
        : ForwardingStore(std::move(inner)), bus_(bus) {}

    uint64_t save_shared(std::shared_ptr<const store::ExecutionRecord> record) override {
        bool created = false;
        {
            // Executions not yet finished, by id: the first record of one is
            // its creation. Bounded by what runs at once.
            std::lock_guard lock(mu_);
            bool finished = core::is_completed(record->status);
            auto it = live_.find(record->id);
            if (it == live_.end() && !finished) {
                live_.emplace(record->id, record->action);
                created = true;
            } else if (it != live_.end() && finished) {
                live_.erase(it);
            }
        }
        // The event holds the record the store writes, not a copy: most
        // events are never rendered (no stream reader), and copying every
        // state of every execution cost about 8% of serve's CPU per
        // execution (measured by leaving the copies out).
        auto e = std::make_shared<Event>();
        e->type = created ? "st2.execution__create" : "st2.execution__update";
        e->ref = record->action;
        e->status = std::string(core::to_string(record->status));
        if (record->end_us != 0) e->elapsed_seconds = static_cast<double>(record->end_us - record->start_us) / 1e6;
        e->approx_bytes = approx_bytes(*record);
        e->render = [record] {
            Json view = executions::record_view(*record);
            // Saved records carry their context as the text printed once.
            if (record->context_text && record->context.empty()) {
                try {
                    view["context"] = core::parse_json(*record->context_text, "execution " + record->id + ": context");
                } catch (const core::JsonTextError&) {
                    // Shown without it rather than not at all.
                }
            }
            return core::to_json_text(view);
        };
        bus_.publish(std::move(e));
        return inner_->save_shared(std::move(record));
    }

    void append_output(store::OutputRecord chunk) override {
        std::string action;
        {
            std::lock_guard lock(mu_);
            if (auto it = live_.find(chunk.execution_id); it != live_.end()) action = it->second;
        }
        auto copy = std::make_shared<store::OutputRecord>(chunk);
        auto e = std::make_shared<Event>();
        e->type = "st2.execution.output__create";
        e->ref = action;
        e->approx_bytes = sizeof(Event) + sizeof(chunk) + chunk.execution_id.size() + chunk.data.size();
        e->render = [copy, action] {
            Json j = Json::object();
            j["execution_id"] = copy->execution_id;
            j["action_ref"] = action;
            j["output_type"] = copy->stream;
            j["seq"] = copy->seq;
            j["data"] = copy->data;
            j["timestamp"] = core::iso8601(copy->timestamp_us);
            return core::to_json_text(j);
        };
        bus_.publish(std::move(e));
        inner_->append_output(std::move(chunk));
    }

    uint64_t save_trigger_instance(store::TriggerInstanceRecord record) override {
        auto copy = std::make_shared<store::TriggerInstanceRecord>(record);
        auto e = std::make_shared<Event>();
        e->type = record.status == "pending" ? "st2.trigger_instance__create" : "st2.trigger_instance__update";
        e->ref = record.trigger;
        e->status = record.status;
        e->approx_bytes = sizeof(Event) + sizeof(record) + record.id.size() + core::json_memory_bytes(*record.payload);
        e->render = [copy] { return core::to_json_text(trigger_instance_view(*copy)); };
        bus_.publish(std::move(e));
        return inner_->save_trigger_instance(std::move(record));
    }

private:
    EventBus& bus_;
    std::mutex mu_;
    std::unordered_map<std::string, std::string> live_;  // id -> action ref
};

}  // namespace

std::unique_ptr<store::Store> publishing_store(std::unique_ptr<store::Store> inner, EventBus& bus) {
    return std::make_unique<PublishingStore>(std::move(inner), bus);
}

Json trigger_instance_view(const store::TriggerInstanceRecord& t) {
    Json j = Json::object();
    j["id"] = t.id;
    j["trigger"] = t.trigger;
    j["payload"] = *t.payload;
    j["occurrence_time"] = core::iso8601(t.occurrence_us);
    j["status"] = t.status;
    if (!t.parameters.empty()) j["parameters"] = t.parameters;
    if (!t.reason.empty()) j["reason"] = t.reason;
    return j;
}

}  // namespace packhost::events

#include "events/announcement_runner.hpp"

#include <memory>

#include "core/json_text.hpp"

namespace packhost::events {
namespace {

using actions::RunOutcome;

class AnnouncementRunner final : public actions::Runner {
public:
    explicit AnnouncementRunner(EventBus* bus) : bus_(bus) {}

    RunOutcome run(const actions::Action& action, actions::Invocation& invocation) const override {
        Json payload = invocation.parameters();
        if (payload.value("experimental", false) != true) {
            return {RunOutcome::Kind::failed, {{"error", "Experimental flag is missing for action " + action.ref}}};
        }
        std::string route = payload.value("route", std::string("general"));
        payload.erase("route");
        payload.erase("experimental");
        if (!bus_) {
            return {RunOutcome::Kind::failed,
                    {{"error",
                      "announcements reach listeners (chat, the event stream) only from packhost serve or "
                      "packhost chat; this process has none"}}};
        }
        auto text = std::make_shared<const std::string>(core::to_json_text(payload));
        auto e = std::make_shared<Event>();
        e->type = "st2.announcement__" + route;
        e->approx_bytes = text->size();
        e->render = [text] { return *text; };
        bus_->publish(std::move(e));
        return {RunOutcome::Kind::succeeded, std::move(payload)};
    }

private:
    EventBus* bus_;
};

}  // namespace

void register_announcement_runner(actions::RunnerRegistry& registry, EventBus* bus) {
    actions::RunnerCapabilities in_process;
    in_process.in_process = true;
    // StackStorm's runner.yaml: `experimental` must be set to use the runner.
    Json parameters{
        {"route",
         {{"type", "string"}, {"default", "general"}, {"description", "The routing key of the announcement."}}},
        {"experimental",
         {{"type", "boolean"},
          {"required", true},
          {"description", "Acknowledge that the announcement runner is experimental (StackStorm's flag)."}}}};
    registry.add({"announcement", parameters, false, in_process,
                  [bus](const actions::ActionSource&) -> std::shared_ptr<const actions::Runner> {
                      return std::make_shared<AnnouncementRunner>(bus);
                  }});
}

}  // namespace packhost::events

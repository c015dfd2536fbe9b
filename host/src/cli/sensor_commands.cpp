// packhost sensor list|enable|disable: the packs' native sensors and their
// switches, kept in the store, where a running packhost serve reads them
// within a second (a sensor switched off is stopped, one switched on is
// started). What a running sensor did is in its trigger instances:
// `packhost trigger-instance list --trigger core.st2.sensor.process_exit`.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "core/json_text.hpp"
#include "host.hpp"

namespace packhost::cli {
namespace {

Json sensor_json(const events::sensors::SensorSpec& s, bool enabled) {
    Json j = Json::object();
    j["ref"] = s.ref;
    j["pack"] = s.ref.substr(0, s.ref.find('.'));
    j["name"] = s.ref.substr(s.ref.find('.') + 1);
    j["description"] = s.description;
    j["trigger_types"] = s.trigger_types;
    j["poll_interval"] = s.poll_interval_seconds;
    j["enabled"] = enabled;
    return j;
}

std::vector<Json> sensors(AppContext& ctx) {
    auto& host = ctx.host();
    std::map<std::string, bool> switches;
    if (auto* store = host.store()) switches = store->switches("sensor");
    std::vector<Json> out;
    for (const auto& s : host.sensor_specs()) {
        auto sw = switches.find(s.ref);
        out.push_back(sensor_json(s, sw == switches.end() ? s.enabled : sw->second));
    }
    return out;
}

void sensor_list(AppContext& ctx) {
    auto all = sensors(ctx);
    if (ctx.json) {
        std::cout << core::to_json_text(Json(all), 2) << '\n';
        return;
    }
    Table t({"REF", "TRIGGER TYPES", "POLL", "ENABLED", "DESCRIPTION"});
    for (const auto& s : all) {
        std::string triggers;
        for (const auto& tt : s["trigger_types"]) triggers += (triggers.empty() ? "" : ", ") + tt.get<std::string>();
        int poll = s["poll_interval"];
        t.add({s["ref"], triggers, poll > 0 ? std::to_string(poll) + " s" : "passive",
               s["enabled"].get<bool>() ? "yes" : "no", s["description"]});
    }
    t.print(std::cout);
}

void sensor_switch(AppContext& ctx, const std::string& ref, bool enabled) {
    for (auto& s : sensors(ctx)) {
        if (s["ref"] != ref) continue;
        auto* store = ctx.host().store();
        if (!store) {
            ctx.exit_code = usage_error(ctx, {"sensor switches are kept in the store, and this packhost has none"});
            return;
        }
        store->set_switch("sensor", ref, enabled);
        s["enabled"] = enabled;
        std::cout << core::to_json_text(s, 2) << '\n';
        return;
    }
    ctx.exit_code = usage_error(ctx, {"sensor '" + ref + "' is not in any loaded pack (see 'packhost sensor list')"});
}

}  // namespace

void add_sensor_commands(CLI::App& app, AppContext& ctx) {
    auto* sensor = app.add_subcommand("sensor", "The packs' sensors: list them, switch them off and on");
    sensor->require_subcommand(1);
    auto* list = sensor->add_subcommand("list", "Every sensor of the loaded packs");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx] { sensor_list(ctx); });
    auto ref = std::make_shared<std::string>();
    for (bool enabled : {true, false}) {
        auto* sw = sensor->add_subcommand(enabled ? "enable" : "disable",
                                          enabled ? "Switch a sensor on (packhost serve starts it within a second)"
                                                  : "Switch a sensor off (packhost serve stops it within a second)");
        sw->add_option("ref", *ref, "The sensor's ref (pack.name)")->required();
        sw->callback([&ctx, ref, enabled] { sensor_switch(ctx, *ref, enabled); });
    }
}

}  // namespace packhost::cli

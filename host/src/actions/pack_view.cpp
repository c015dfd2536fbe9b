#include "actions/pack_view.hpp"

namespace packhost::actions {

Json pack_json(const packs::LoadedPack& p, const actions::Registry& registry) {
    const auto& m = p.metadata;
    Json j{{"ref", m.ref},         {"name", m.name},     {"description", m.description},
           {"version", m.version}, {"author", m.author}, {"path", m.dir.string()}};
    if (!m.email.empty()) j["email"] = m.email;
    if (!m.keywords.empty()) j["keywords"] = m.keywords;
    if (!m.dependencies.empty()) j["dependencies"] = m.dependencies;
    if (!m.contributors.empty()) j["contributors"] = m.contributors;
    if (p.config.has_schema || !p.config.values.empty()) j["config"] = p.config.masked();
    auto actions = Json::array();
    for (const auto& a : registry.list(m.ref)) actions.push_back(a->name);
    j["actions"] = std::move(actions);
    if (p.native) {
        const auto& n = *p.native;
        Json native{{"library", n.path.string()},
                    {"abi", std::to_string(n.abi.major) + "." + std::to_string(n.abi.minor)},
                    {"sdk_version", n.sdk_version},
                    {"build_info", n.build_info}};
        auto triggers = Json::array();
        for (const auto& t : n.trigger_types) {
            Json tj{{"name", t.name}, {"ref", m.ref + "." + t.name}, {"description", t.description}};
            if (!t.payload_schema.empty()) tj["payload_schema"] = Json::parse(t.payload_schema);
            triggers.push_back(std::move(tj));
        }
        auto sensors = Json::array();
        for (const auto& s : n.sensors) {
            sensors.push_back({{"name", s.name},
                               {"description", s.description},
                               {"trigger_types", s.trigger_types},
                               {"poll_interval", s.poll_interval_seconds}});
        }
        j["native"] = std::move(native);
        j["trigger_types"] = std::move(triggers);
        j["sensors"] = std::move(sensors);
    }
    return j;
}

Json refused_pack_json(const packs::RefusedPack& r) {
    Json j{{"path", r.dir.string()}, {"reason", r.reason}};
    if (!r.ref.empty()) j["ref"] = r.ref;
    return j;
}

}  // namespace packhost::actions

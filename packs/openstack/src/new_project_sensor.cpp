#include "new_project_sensor.hpp"

#include "projects.hpp"

namespace openstack {

using json = nlohmann::json;

json project_created_schema() {
    auto text = [](const char* d) { return json{{"type", "string"}, {"description", d}}; };
    return {{"type", "object"},
            {"properties",
             {{"id", {{"type", "string"}, {"required", true}, {"description", "The project's ID."}}},
              {"name", {{"type", "string"}, {"required", true}, {"description", "The project's name."}}},
              {"domain_id", text("Its domain's ID.")},
              {"enabled", {{"type", "boolean"}}},
              {"description", text("Its description.")}}}};
}

void NewProjectSensor::start(const json& config) {
    if (!cloud_configured(config)) {
        host().log(packhost::sdk::level::info,
                   "openstack.new_project: no cloud configured (configs/openstack.yaml, OS_AUTH_URL or OS_CLOUD); "
                   "not watching for projects");
        return;
    }
    try {
        session_ = session_for(read_cloud_config(config));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("openstack config: ") + e.what());
    }
    if (auto it = config.find("sensor_poll_interval"); it != config.end() && it->is_number() && it->get<double>() >= 1)
        interval_ = std::chrono::seconds(static_cast<long>(it->get<double>()));
    // The state names its cloud: another auth_url starts afresh instead of
    // greeting every project of the new cloud.
    if (auto state = host().kv_get(kStateKey)) {
        try {
            auto j = json::parse(*state);
            if (j.value("auth_url", "") == session_->config().auth_url) {
                known_ = true;
                for (const auto& id : j.value("ids", json::array())) seen_.insert(id.get<std::string>());
            }
        } catch (const json::exception&) {
            // An unreadable state is a first look: nothing is replayed.
        }
    }
}

void NewProjectSensor::save() const {
    host().kv_set(kStateKey, json{{"auth_url", session_->config().auth_url}, {"ids", seen_}}.dump());
}

void NewProjectSensor::poll() {
    if (!session_) return;  // no cloud configured
    auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + interval_;
    json projects;
    try {
        projects = list_projects(*session_);
    } catch (const OpenStackError& e) {
        throw std::runtime_error(e.what());
    }
    std::set<std::string> present;
    for (const auto& p : projects) present.insert(p["id"].get<std::string>());
    if (!known_) {
        seen_ = std::move(present);
        known_ = true;
        save();
        return;
    }
    // Each emitted project is written down at once, so that a crash in the
    // middle replays nothing already emitted; a full queue leaves it unseen
    // for the next look.
    for (const auto& p : projects) {
        std::string id = p["id"];
        if (seen_.count(id)) continue;
        if (!dispatch("project_created", p)) break;
        seen_.insert(id);
        save();
    }
    // Deleted projects leave the set, which stays the size of the cloud.
    size_t before = seen_.size();
    for (auto it = seen_.begin(); it != seen_.end();) it = present.count(*it) ? std::next(it) : seen_.erase(it);
    if (seen_.size() != before) save();
}

}  // namespace openstack

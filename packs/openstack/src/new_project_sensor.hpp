#pragma once
// openstack.new_project: looks at Keystone's projects every
// `sensor_poll_interval` seconds (the pack's config, default 30) and emits
// openstack.project_created for each one it has not seen. What it has seen
// is kept in the datastore (per cloud), so that a restart neither replays
// old projects nor misses those created while it was down; on its very
// first look at a cloud it only takes note of what is there.
#include <packhost/sdk.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "keystone.hpp"

namespace openstack {

class NewProjectSensor : public packhost::sdk::Sensor {
public:
    static constexpr const char* kStateKey = "openstack.new_project.seen";

    void start(const nlohmann::json& config) override;
    // Called every second by the host; looks at Keystone when the interval
    // has passed.
    void poll() override;

private:
    void save() const;

    std::shared_ptr<Session> session_;
    std::chrono::seconds interval_{30};
    std::chrono::steady_clock::time_point next_{};
    bool known_ = false;  // false: no state for this cloud yet
    std::set<std::string> seen_;
};

// The payload schema of openstack.project_created.
nlohmann::json project_created_schema();

}  // namespace openstack

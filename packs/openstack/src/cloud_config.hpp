#pragma once
// Where the pack's credentials come from, as the `openstack` CLI's users
// expect: the pack's configuration (configs/openstack.yaml); for each key it
// leaves empty, the cloud it names in `cloud` (or OS_CLOUD names) in
// clouds.yaml; then the standard OS_* environment variable.
#include <nlohmann/json.hpp>

#include <string>

#include "http.hpp"

namespace openstack {

struct CloudConfig {
    std::string auth_url;  // Keystone, e.g. http://keystone:5000/v3
    std::string username;
    std::string password;
    std::string project_name;
    std::string project_id;
    std::string user_domain_name = "Default";  // or by ID when user_domain_id is set
    std::string user_domain_id;
    std::string project_domain_name = "Default";
    std::string project_domain_id;
    std::string region_name;
    std::string interface = "public";  // public, internal, admin
    std::string application_credential_id;
    std::string application_credential_secret;
    HttpOptions http;

    // What identifies one configuration (the session cache's key): the
    // credentials, and where and how the session calls.
    std::string identity() const;
};

// Throws std::invalid_argument naming the key for a value that cannot be
// used (no auth_url, an unknown interface, neither a password nor an
// application credential, a cloud that clouds.yaml does not have).
CloudConfig read_cloud_config(const nlohmann::json& config);

// Whether any cloud is configured at all (auth_url or cloud in the config,
// OS_AUTH_URL or OS_CLOUD in the environment): a host without OpenStack
// need not hear from the pack's sensor.
bool cloud_configured(const nlohmann::json& config);

}  // namespace openstack

#pragma once
// clouds.yaml, as openstacksdk and the `openstack` CLI read it: the first of
// $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml and
// /etc/openstack/clouds.yaml (each also .yml or .json), with the same
// search for secure.yaml ($OS_CLIENT_SECURE_FILE) merged over it, so that
// passwords may live apart.
#include <nlohmann/json.hpp>

#include <string>

namespace openstack {

// The entry of cloud `name` ({auth: {...}, region_name, interface, verify,
// cacert, api_timeout, ...}) as JSON. Throws std::invalid_argument naming
// the files read and the clouds they have when there is no such cloud, and
// naming the file for one that is not YAML. Read once per process.
nlohmann::json find_cloud(const std::string& name);

}  // namespace openstack

#pragma once
// Nova (the compute service of the catalog): servers and flavors.
#include <nlohmann/json.hpp>

#include <string>

#include "keystone.hpp"

namespace openstack {

// Servers with details, of `project_id` ("": the token's project; with
// `all_projects`, every project's, which needs an admin token), each as
// {id, name, status, project_id, flavor, created}; Nova's paging followed.
nlohmann::json list_servers(Session& session, const std::string& project_id, bool all_projects);

// Flavors with details: {id, name, vcpus, ram_mb, disk_gb}.
nlohmann::json list_flavors(Session& session);

}  // namespace openstack

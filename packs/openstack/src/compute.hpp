#pragma once
// Nova (the compute service of the catalog): servers, flavors and the usage
// report.
#include <nlohmann/json.hpp>

#include <string>

#include "keystone.hpp"
#include "period.hpp"

namespace openstack {

// Servers with details, of `project_id` ("": the token's project; with
// `all_projects`, every project's, which needs an admin token), each as
// {id, name, status, project_id, flavor, flavor_id, created}; Nova's paging
// followed, flavor names from the flavor list.
nlohmann::json list_servers(Session& session, const std::string& project_id, bool all_projects);

// Flavors with details: {id, name, vcpus, ram_mb, disk_gb}; the public
// ones, and with `private_too` the private ones as well (Nova's
// is_public=None, which it honours for admins only).
nlohmann::json list_flavors(Session& session, bool private_too = false);

// A project's usage over `period`: Nova's os-simple-tenant-usage (its pages
// joined, microversion 2.40) combined with the project's servers and the
// flavors, as {project_id, period {start, end, days}, instances, vcpus,
// ram_mb, disk_gb (what the servers that exist now hold), hours,
// vcpu_hours, ram_mb_hours, disk_gb_hours (Nova's totals for the period),
// servers: [{id, name, status, flavor, vcpus, ram_mb, disk_gb, hours,
// started_at, ended_at}]} with the servers deleted during the period too.
nlohmann::json project_usage(Session& session, const std::string& project_id, const Period& period);

}  // namespace openstack

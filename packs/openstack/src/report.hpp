#pragma once
// A project_usage result as text for people: a summary and a table of the
// servers, in fixed-width columns (chat shows it in a code block).
#include <nlohmann/json.hpp>

#include <string>

namespace openstack {

// `usage` as openstack.project_usage returns it; `project` as
// project_lookup does (its name heads the report; may be null).
std::string usage_table(const nlohmann::json& usage, const nlohmann::json& project);

}  // namespace openstack

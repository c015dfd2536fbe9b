#pragma once
// Keystone's projects: a project by name or ID, and the list.
#include <nlohmann/json.hpp>

#include <string>

#include "keystone.hpp"

namespace openstack {

// {id, name, domain_id, enabled, description} of one project.
nlohmann::json project_summary(const nlohmann::json& project);

// `name_or_id` as an ID first, else as a name (in `domain_id` when given).
// Throws OpenStackError when there is none, and when a name is in several
// domains, naming each candidate.
nlohmann::json lookup_project(Session& session, const std::string& name_or_id, const std::string& domain_id = "");

// Every project the credentials may see, as summaries (a user who may not
// list Keystone's projects sees those it has a role on).
nlohmann::json list_projects(Session& session, const std::string& domain_id = "");

}  // namespace openstack

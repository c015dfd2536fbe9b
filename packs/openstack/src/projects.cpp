#include "projects.hpp"

namespace openstack {
namespace {

using json = nlohmann::json;

bool looks_like_id(const std::string& s) {
    // Keystone's IDs are 32 hex characters; anything else cannot be one.
    if (s.size() != 32) return false;
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

json project_summary(const json& p) {
    return {{"id", p.value("id", "")},
            {"name", p.value("name", "")},
            {"domain_id", p.value("domain_id", "")},
            {"enabled", p.value("enabled", true)},
            {"description", p.contains("description") && p["description"].is_string() ? p["description"] : json("")}};
}

json lookup_project(Session& session, const std::string& name_or_id, const std::string& domain_id) {
    if (name_or_id.empty()) throw OpenStackError("project: give a name or an ID");
    std::string base = identity_v3(session.config().auth_url) + "/projects";
    if (looks_like_id(name_or_id)) {
        try {
            return project_summary(session.get(base + "/" + name_or_id).value("project", json::object()));
        } catch (const OpenStackError& e) {
            // Not an ID after all (404): a project may be named like one.
            if (std::string(e.what()).find(": 404") == std::string::npos) throw;
        }
    }
    std::string url = base + "?name=" + url_escape(name_or_id);
    if (!domain_id.empty()) url += "&domain_id=" + url_escape(domain_id);
    auto found = session.get_all(url, "projects");
    if (found.empty()) {
        throw OpenStackError("no project named or with ID '" + name_or_id + "'" +
                             (domain_id.empty() ? "" : " in domain " + domain_id));
    }
    if (found.size() > 1) {
        std::string candidates;
        for (const auto& p : found) {
            candidates += (candidates.empty() ? "" : ", ") + p.value("id", std::string()) + " (domain " +
                          p.value("domain_id", std::string()) + ")";
        }
        throw OpenStackError("project name '" + name_or_id + "' is in " + std::to_string(found.size()) +
                             " domains: " + candidates + "; give the ID or a domain");
    }
    return project_summary(found[0]);
}

json list_projects(Session& session, const std::string& domain_id) {
    std::string url = identity_v3(session.config().auth_url) + "/projects";
    if (!domain_id.empty()) url += "?domain_id=" + url_escape(domain_id);
    json out = json::array();
    for (const auto& p : session.get_all(url, "projects")) out.push_back(project_summary(p));
    return out;
}

}  // namespace openstack

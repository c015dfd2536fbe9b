#include "projects.hpp"

namespace openstack {
namespace {

using json = nlohmann::json;

bool looks_like_id(const std::string& s) {
    // Keystone's IDs are 32 hex characters; anything else cannot be one.
    if (s.size() != 32) return false;
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Keystone's projects named `name` in `domain_id` ("" for any). Only
// admins (and domain readers) may list /v3/projects; a user who may not
// (403) gets the projects it has a role on instead (/v3/auth/projects, what
// `openstack project list --my-projects` reads), filtered here.
json find_projects(Session& session, const std::string& name, const std::string& domain_id) {
    std::string v3 = identity_v3(session.config().auth_url);
    std::string query;
    // Appended piece by piece: "literal" + std::string&& draws GCC 12's
    // -Wrestrict false positive at -O3 (make release-check).
    if (!name.empty()) {
        query += "name=";
        query += url_escape(name);
    }
    if (!domain_id.empty()) {
        if (!query.empty()) query += '&';
        query += "domain_id=";
        query += url_escape(domain_id);
    }
    try {
        return session.get_all(v3 + "/projects" + (query.empty() ? "" : "?" + query), "projects");
    } catch (const OpenStackError& e) {
        if (e.status != 403) throw;
    }
    json mine = json::array();
    for (auto& p : session.get_all(v3 + "/auth/projects", "projects")) {
        if (!name.empty() && p.value("name", "") != name) continue;
        if (!domain_id.empty() && p.value("domain_id", "") != domain_id) continue;
        mine.push_back(std::move(p));
    }
    return mine;
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
    if (looks_like_id(name_or_id)) {
        std::string url = identity_v3(session.config().auth_url) + "/projects/" + name_or_id;
        try {
            return project_summary(session.get(url).value("project", json::object()));
        } catch (const OpenStackError& e) {
            // Not an ID after all (404), or another's project (403 for a
            // non-admin): a project may be named like an ID.
            if (e.status != 404 && e.status != 403) throw;
        }
    }
    auto found = find_projects(session, name_or_id, domain_id);
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
    json out = json::array();
    for (const auto& p : find_projects(session, "", domain_id)) out.push_back(project_summary(p));
    return out;
}

}  // namespace openstack

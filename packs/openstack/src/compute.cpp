#include "compute.hpp"

namespace openstack {
namespace {

using json = nlohmann::json;

// Nova pages with "<key>_links": [{"rel": "next", "href": ...}].
json get_all_nova(Session& session, std::string url, const std::string& key) {
    json all = json::array();
    for (int page = 0; !url.empty(); ++page) {
        if (page == 10000) throw OpenStackError("GET " + url + ": more than 10000 pages");
        auto j = session.get(url);
        for (auto& item : j.value(key, json::array())) all.push_back(std::move(item));
        url.clear();
        for (const auto& link : j.value(key + "_links", json::array())) {
            if (link.value("rel", "") == "next") url = link.value("href", "");
        }
    }
    return all;
}

}  // namespace

json list_servers(Session& session, const std::string& project_id, bool all_projects) {
    std::string url = session.endpoint("compute") + "/servers/detail";
    std::string query;
    if (all_projects || !project_id.empty()) query += "all_tenants=1";
    if (!project_id.empty()) query += "&project_id=" + url_escape(project_id);
    if (!query.empty()) url += "?" + query;
    json out = json::array();
    for (const auto& s : get_all_nova(session, url, "servers")) {
        json flavor = s.value("flavor", json::object());
        out.push_back({{"id", s.value("id", "")},
                       {"name", s.value("name", "")},
                       {"status", s.value("status", "")},
                       {"project_id", s.value("tenant_id", "")},
                       {"flavor", flavor.value("original_name", flavor.value("id", ""))},
                       {"created", s.value("created", "")}});
    }
    return out;
}

json list_flavors(Session& session) {
    json out = json::array();
    for (const auto& f : get_all_nova(session, session.endpoint("compute") + "/flavors/detail", "flavors")) {
        out.push_back({{"id", f.value("id", "")},
                       {"name", f.value("name", "")},
                       {"vcpus", f.value("vcpus", 0)},
                       {"ram_mb", f.value("ram", 0)},
                       {"disk_gb", f.value("disk", 0)}});
    }
    return out;
}

}  // namespace openstack

#include "compute.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace openstack {
namespace {

using json = nlohmann::json;

// Nova pages with "<key>_links": [{"rel": "next", "href": ...}], beside the
// key or (os-simple-tenant-usage) at the top of the answer.
std::string next_link(const json& page, const std::string& key) {
    for (const auto& link : page.value(key + "_links", json::array())) {
        if (link.value("rel", "") == "next") return link.value("href", "");
    }
    return "";
}

// Each page of a Nova list from `url` on, handed to `fn`.
template <typename Fn>
void each_nova_page(Session& session, std::string url, const std::string& key,
                    const std::map<std::string, std::string>& headers, Fn&& fn) {
    for (int page = 0; !url.empty(); ++page) {
        if (page == 10000) throw OpenStackError("GET " + url + ": more than 10000 pages");
        auto j = session.get(url, headers);
        fn(j);
        url = next_link(j, key);
    }
}

json get_all_nova(Session& session, const std::string& url, const std::string& key) {
    json all = json::array();
    each_nova_page(session, url, key, {}, [&](json& page) {
        for (auto& item : page.value(key, json::array())) all.push_back(std::move(item));
    });
    return all;
}

std::map<std::string, json> flavors_by_id(Session& session) {
    std::map<std::string, json> out;
    // Servers may use private flavors, which Nova lists to admins only when
    // asked (and to others never: their names then stay IDs).
    for (auto& f : list_flavors(session, true)) out[f["id"].get<std::string>()] = f;
    return out;
}

// A flavor's ID in a server: {"id": ...} up to microversion 2.46; from
// 2.47 Nova embeds the flavor ({"original_name", "vcpus", ...}) instead.
std::string flavor_id(const json& server) {
    json flavor = server.value("flavor", json::object());
    if (!flavor.is_object()) return "";
    if (auto id = flavor.find("id"); id != flavor.end() && id->is_string()) return id->get<std::string>();
    return "";
}

json servers_of(Session& session, const std::string& project_id, bool all_projects,
                const std::map<std::string, json>& flavors) {
    std::string url = session.endpoint("compute") + "/servers/detail";
    std::string query;
    if (all_projects || !project_id.empty()) query += "all_tenants=1";
    if (!project_id.empty()) query += "&project_id=" + url_escape(project_id);
    if (!query.empty()) url += "?" + query;
    json out = json::array();
    for (const auto& s : get_all_nova(session, url, "servers")) {
        std::string fid = flavor_id(s);
        json embedded = s.value("flavor", json::object());
        std::string flavor = fid;
        if (auto f = flavors.find(fid); f != flavors.end()) {
            flavor = f->second.value("name", fid);
        } else if (embedded.is_object() && embedded.contains("original_name")) {
            flavor = embedded.value("original_name", "");
        }
        out.push_back({{"id", s.value("id", "")},
                       {"name", s.value("name", "")},
                       {"status", s.value("status", "")},
                       {"project_id", s.value("tenant_id", "")},
                       {"flavor", flavor},
                       {"flavor_id", fid},
                       {"created", s.value("created", "")}});
    }
    return out;
}

double number(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Hours and days as a report shows them: two decimals.
double two_decimals(double h) { return std::round(h * 100) / 100; }

}  // namespace

json list_servers(Session& session, const std::string& project_id, bool all_projects) {
    return servers_of(session, project_id, all_projects, flavors_by_id(session));
}

json list_flavors(Session& session, bool private_too) {
    std::string url = session.endpoint("compute") + "/flavors/detail" + (private_too ? "?is_public=None" : "");
    json out = json::array();
    for (const auto& f : get_all_nova(session, url, "flavors")) {
        out.push_back({{"id", f.value("id", "")},
                       {"name", f.value("name", "")},
                       {"vcpus", f.value("vcpus", 0)},
                       {"ram_mb", f.value("ram", 0)},
                       {"disk_gb", f.value("disk", 0)}});
    }
    return out;
}

json project_usage(Session& session, const std::string& project_id, const Period& period) {
    const std::string compute = session.endpoint("compute");
    auto flavors = flavors_by_id(session);
    // The token's own project is listed without all_tenants, which Nova
    // keeps for admins.
    std::string own = session.token()->body.value("project", json::object()).value("id", "");
    json servers = servers_of(session, project_id == own ? "" : project_id, false, flavors);

    // From microversion 2.40 Nova pages the server usages; each page's
    // totals cover its own servers, so they add up. A Nova older than that
    // (before Ocata) refuses the version with 406 on the first page, and is
    // asked again at its default, unpaged.
    std::string url = compute + "/os-simple-tenant-usage/" + url_escape(project_id) +
                      "?start=" + url_escape(period.start) + "&end=" + url_escape(period.end);
    double total_hours = 0, vcpu_hours = 0, ram_hours = 0, disk_hours = 0;
    json usages = json::array();
    auto read = [&](const std::map<std::string, std::string>& headers) {
        each_nova_page(session, url, "tenant_usage", headers, [&](json& page) {
            json u = page.value("tenant_usage", json::object());
            total_hours += number(u, "total_hours");
            vcpu_hours += number(u, "total_vcpus_usage");
            ram_hours += number(u, "total_memory_mb_usage");
            disk_hours += number(u, "total_local_gb_usage");
            for (auto& s : u.value("server_usages", json::array())) usages.push_back(std::move(s));
        });
    };
    try {
        read({{"OpenStack-API-Version", "compute 2.40"}, {"X-OpenStack-Nova-API-Version", "2.40"}});
    } catch (const OpenStackError& e) {
        if (e.status != 406 || !usages.empty() || total_hours != 0) throw;
        read({});
    }

    // One row per server: what exists now (sizes from its flavor) and what
    // the period saw (deleted servers included, sizes as Nova recorded them).
    std::map<std::string, json> rows;
    long instances = 0, vcpus = 0, ram_mb = 0, disk_gb = 0;
    for (const auto& s : servers) {
        json row = {{"id", s["id"]},         {"name", s["name"]}, {"status", s["status"]},
                    {"flavor", s["flavor"]}, {"vcpus", 0},        {"ram_mb", 0},
                    {"disk_gb", 0},          {"hours", 0.0},      {"started_at", s["created"]},
                    {"ended_at", nullptr}};
        if (auto f = flavors.find(s["flavor_id"].get<std::string>()); f != flavors.end()) {
            row["vcpus"] = f->second["vcpus"];
            row["ram_mb"] = f->second["ram_mb"];
            row["disk_gb"] = f->second["disk_gb"];
        }
        rows[s["id"].get<std::string>()] = std::move(row);
    }
    for (const auto& u : usages) {
        std::string id = u.value("instance_id", "");
        auto [it, added] = rows.try_emplace(id, json{{"id", id}, {"status", "DELETED"}});
        json& row = it->second;
        row["name"] = u.value("name", row.value("name", ""));
        row["flavor"] = u.value("flavor", row.value("flavor", ""));
        if (added || row.value("vcpus", 0) == 0) {
            // A deleted server, or one whose flavor is gone from the list.
            row["vcpus"] = u.value("vcpus", 0);
            row["ram_mb"] = u.value("memory_mb", 0);
            row["disk_gb"] = u.value("local_gb", 0);
        }
        row["hours"] = two_decimals(number(u, "hours"));
        row["started_at"] = u.value("started_at", row.value("started_at", ""));
        row["ended_at"] = u.contains("ended_at") ? u["ended_at"] : json(nullptr);
        if (row["status"] == "DELETED" && u.value("state", "") != "terminated") row["status"] = u.value("state", "");
    }
    json out_servers = json::array();
    for (auto& [id, row] : rows) {
        if (row["status"] != "DELETED") {
            ++instances;
            vcpus += row.value("vcpus", 0L);
            ram_mb += row.value("ram_mb", 0L);
            disk_gb += row.value("disk_gb", 0L);
        }
        out_servers.push_back(std::move(row));
    }
    std::stable_sort(out_servers.begin(), out_servers.end(),
                     [](const json& a, const json& b) { return a.value("name", "") < b.value("name", ""); });
    return {{"project_id", project_id},
            {"period", {{"start", period.start}, {"end", period.end}, {"days", two_decimals(period.days)}}},
            {"instances", instances},
            {"vcpus", vcpus},
            {"ram_mb", ram_mb},
            {"disk_gb", disk_gb},
            {"hours", two_decimals(total_hours)},
            {"vcpu_hours", two_decimals(vcpu_hours)},
            {"ram_mb_hours", two_decimals(ram_hours)},
            {"disk_gb_hours", two_decimals(disk_hours)},
            {"servers", std::move(out_servers)}};
}

}  // namespace openstack

#pragma once
// A fake of Nova's compute API (Nova cannot run on these machines), written
// to the documented responses (api-ref and doc/api_samples) of the calls the
// pack makes:
//   GET /v2.1/servers/detail   all_tenants, project_id; paged by two with
//                              servers_links rel=next; `flavor` is {id, links}
//                              before microversion 2.47 and the embedded
//                              flavor (original_name, vcpus, ...) from it
//   GET /v2.1/flavors/detail   is_public (true by default; None: both; admins only)
//   GET /v2.1/os-simple-tenant-usage/{tenant_id}?start&end
//                              hours of each instance that overlapped the
//                              period, computed as Nova does; from 2.40 paged
//                              (limit, marker; two per page unless limit says)
//                              with tenant_usage_links beside tenant_usage
// Microversions come from OpenStack-API-Version: compute X.Y (or the older
// X-OpenStack-Nova-API-Version). It answers only requests carrying an
// X-Auth-Token that the real Keystone validates (GET /v3/auth/tokens), so a
// revoked token gets its 401; usage of another project needs the admin role.
#include <httplib.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace packhost::testing {

class FakeNova {
public:
    FakeNova() {
        server_.Get("/v2.1/servers/detail", [this](const httplib::Request& req, httplib::Response& res) {
            auto token = authorised(req, res);
            if (!token) return;
            std::lock_guard lock(mu_);
            nlohmann::json servers = nlohmann::json::array();
            std::string project = req.has_param("project_id") ? req.get_param_value("project_id") : token->project;
            bool all = req.has_param("all_tenants") && !req.has_param("project_id");
            for (const auto& s : instances_) {
                if (!s["deleted_at"].is_null()) continue;
                if (all || s["tenant_id"] == project) servers.push_back(server_view(s, microversion(req)));
            }
            size_t offset = 0;
            if (req.has_param("marker")) offset = std::stoul(req.get_param_value("marker"));
            nlohmann::json page = nlohmann::json::array();
            for (size_t i = offset; i < servers.size() && page.size() < 2; ++i) page.push_back(servers[i]);
            nlohmann::json body = {{"servers", page}};
            if (offset + page.size() < servers.size()) {
                // Nova's next link: the same query with a marker.
                std::string href = url() + "/servers/detail?marker=" + std::to_string(offset + page.size());
                if (req.has_param("all_tenants")) href += "&all_tenants=1";
                if (req.has_param("project_id")) href += "&project_id=" + req.get_param_value("project_id");
                body["servers_links"] = {{{"rel", "next"}, {"href", href}}};
            }
            res.set_content(body.dump(), "application/json");
        });
        server_.Get("/v2.1/flavors/detail", [this](const httplib::Request& req, httplib::Response& res) {
            auto token = authorised(req, res);
            if (!token) return;
            // is_public: unset or true lists public flavors; "None" (any case)
            // both kinds; false the private ones - for admins, else ignored.
            std::string is_public = req.has_param("is_public") ? req.get_param_value("is_public") : "true";
            for (auto& c : is_public) c = char(std::tolower(static_cast<unsigned char>(c)));
            if (!token->admin) is_public = "true";
            std::lock_guard lock(mu_);
            nlohmann::json listed = nlohmann::json::array();
            for (const auto& f : flavors_) {
                bool is = f.value("os-flavor-access:is_public", true);
                if (is_public == "none" || is == (is_public == "true" || is_public == "1" || is_public == "yes"))
                    listed.push_back(f);
            }
            res.set_content(nlohmann::json{{"flavors", listed}}.dump(), "application/json");
        });
        server_.Get(R"(/v2.1/os-simple-tenant-usage/([^/?]+))",
                    [this](const httplib::Request& req, httplib::Response& res) { usage(req, res); });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~FakeNova() {
        server_.stop();
        thread_.join();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v2.1"; }
    void set_keystone(const std::string& keystone_url) { keystone_ = keystone_url; }
    // A server: {id, name, status, tenant_id, flavor_id, created}, and
    // "deleted_at" for one deleted since (listed only in usage reports).
    void add_server(nlohmann::json s) {
        std::lock_guard lock(mu_);
        if (!s.contains("deleted_at")) s["deleted_at"] = nullptr;
        instances_.push_back(std::move(s));
    }
    void add_flavor(const nlohmann::json& f) {
        std::lock_guard lock(mu_);
        flavors_.push_back(f);
    }
    // The newest microversion it has, as Nova's GET / says (2.1 for a Nova
    // before microversions grew; 2.96 by default). Asked for a newer one it
    // answers 406 as Nova does.
    void set_max_microversion(int minor) { max_minor_ = minor; }
    // How many os-simple-tenant-usage requests were answered.
    int usage_requests() const { return usage_requests_; }

private:
    struct TokenInfo {
        std::string project;
        bool admin = false;
    };

    static double microversion(const httplib::Request& req) {
        std::string v = req.get_header_value("OpenStack-API-Version");
        if (v.rfind("compute ", 0) == 0) {
            v = v.substr(8);
        } else {
            v = req.get_header_value("X-OpenStack-Nova-API-Version");
        }
        if (v == "latest") return 2.96;
        int major = 2, minor = 1;
        if (!v.empty()) std::sscanf(v.c_str(), "%d.%d", &major, &minor);
        return major + minor / 1000.0;  // 2.40 -> 2.040, compared as such
    }
    static constexpr double v(int minor) { return 2 + minor / 1000.0; }

    nlohmann::json flavor(const std::string& id) const {
        for (const auto& f : flavors_)
            if (f["id"] == id) return f;
        return nullptr;
    }
    nlohmann::json server_view(const nlohmann::json& s, double version) const {
        nlohmann::json out = {{"id", s["id"]},
                              {"name", s["name"]},
                              {"status", s["status"]},
                              {"tenant_id", s["tenant_id"]},
                              {"created", s["created"]}};
        std::string fid = s["flavor_id"];
        if (version >= v(47)) {
            auto f = flavor(fid);
            out["flavor"] = {{"original_name", f["name"]},
                             {"vcpus", f["vcpus"]},
                             {"ram", f["ram"]},
                             {"disk", f["disk"]},
                             {"ephemeral", 0},
                             {"swap", 0},
                             {"extra_specs", nlohmann::json::object()}};
        } else {
            out["flavor"] = {{"id", fid}, {"links", {{{"rel", "bookmark"}, {"href", url() + "/flavors/" + fid}}}}};
        }
        return out;
    }

    // Nova's accepted forms: %Y-%m-%dT%H:%M:%S[.%f] and %Y-%m-%d %H:%M:%S.%f.
    static std::optional<std::time_t> parse_time(const std::string& text) {
        std::tm tm{};
        const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        if (!rest) rest = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
        if (!rest) return std::nullopt;
        if (*rest == '.') {
            ++rest;
            while (*rest >= '0' && *rest <= '9') ++rest;
        }
        if (*rest == 'Z') ++rest;
        if (*rest) return std::nullopt;
        return timegm(&tm);
    }
    static void fault(httplib::Response& res, int status, const std::string& key, const std::string& message) {
        res.status = status;
        res.set_content(nlohmann::json{{key, {{"code", status}, {"message", message}}}}.dump(), "application/json");
    }

    void usage(const httplib::Request& req, httplib::Response& res) {
        auto token = authorised(req, res);
        if (!token) return;
        ++usage_requests_;
        if (microversion(req) > v(max_minor_)) {
            return fault(res, 406, "computeFault",
                         "Version " + req.get_header_value("X-OpenStack-Nova-API-Version") +
                             " is not supported by the API. Minimum is 2.1 and maximum is 2." +
                             std::to_string(max_minor_) + ".");
        }
        std::string tenant = req.matches[1];
        if (tenant != token->project && !token->admin) {
            return fault(res, 403, "forbidden",
                         "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.");
        }
        auto start = parse_time(req.get_param_value("start"));
        auto stop = parse_time(req.get_param_value("end"));
        if (!start || !stop) return fault(res, 400, "badRequest", "Invalid input received: Invalid datetime string");
        if (*start > *stop) {
            return fault(res, 400, "badRequest",
                         "Invalid input received: Invalid start time. The start time cannot occur after the end time.");
        }
        double version = microversion(req);
        size_t limit = version >= v(40) ? 2 : SIZE_MAX;
        if (version >= v(40) && req.has_param("limit")) limit = std::stoul(req.get_param_value("limit"));
        std::string marker = version >= v(40) ? req.get_param_value("marker") : "";

        std::lock_guard lock(mu_);
        nlohmann::json usages = nlohmann::json::array();
        double total_hours = 0, vcpus = 0, memory = 0, disk = 0;
        bool past_marker = marker.empty();
        std::string last;
        bool more = false;
        for (const auto& s : instances_) {
            if (s["tenant_id"] != tenant) continue;
            if (!past_marker) {
                past_marker = s["id"] == marker;
                continue;
            }
            std::time_t launched = *parse_time(s["created"].get<std::string>());
            std::optional<std::time_t> ended;
            if (!s["deleted_at"].is_null()) ended = parse_time(s["deleted_at"].get<std::string>());
            if ((ended && *ended < *start) || launched > *stop) continue;  // not in the period
            if (usages.size() == limit) {
                more = true;
                break;
            }
            double hours = double(std::min(ended.value_or(*stop), *stop) - std::max(launched, *start)) / 3600;
            auto f = flavor(s["flavor_id"]);
            usages.push_back({{"ended_at", ended ? s["deleted_at"] : nlohmann::json(nullptr)},
                              {"flavor", f["name"]},
                              {"hours", hours},
                              {"instance_id", s["id"]},
                              {"local_gb", f["disk"]},
                              {"memory_mb", f["ram"]},
                              {"name", s["name"]},
                              {"started_at", s["created"]},
                              {"state", ended ? "terminated" : "active"},
                              {"tenant_id", tenant},
                              {"uptime", 3600},
                              {"vcpus", f["vcpus"]}});
            total_hours += hours;
            vcpus += hours * f["vcpus"].get<double>();
            memory += hours * f["ram"].get<double>();
            disk += hours * f["disk"].get<double>();
            last = s["id"];
        }
        nlohmann::json body = {{"tenant_usage",
                                {{"server_usages", usages},
                                 {"start", req.get_param_value("start")},
                                 {"stop", req.get_param_value("end")},
                                 {"tenant_id", tenant},
                                 {"total_hours", total_hours},
                                 {"total_local_gb_usage", disk},
                                 {"total_memory_mb_usage", memory},
                                 {"total_vcpus_usage", vcpus}}}};
        if (more) {
            body["tenant_usage_links"] = {{{"href", url() + "/os-simple-tenant-usage/" + tenant + "?end=" +
                                                        req.get_param_value("end") + "&limit=" + std::to_string(limit) +
                                                        "&marker=" + last + "&start=" + req.get_param_value("start")},
                                           {"rel", "next"}}};
        }
        res.set_content(body.dump(), "application/json");
    }

    // The token's project and whether it has the admin role, as Keystone
    // says when it validates it.
    std::optional<TokenInfo> token_info(const httplib::Request& req) {
        httplib::Client c(keystone_);
        std::string t = req.get_header_value("X-Auth-Token");
        auto r = c.Get("/v3/auth/tokens", {{"X-Auth-Token", t}, {"X-Subject-Token", t}});
        if (!r || r->status != 200) return std::nullopt;
        auto token = nlohmann::json::parse(r->body)["token"];
        TokenInfo info{token["project"]["id"], false};
        for (const auto& role : token.value("roles", nlohmann::json::array())) info.admin |= role["name"] == "admin";
        return info;
    }
    std::optional<TokenInfo> authorised(const httplib::Request& req, httplib::Response& res) {
        auto info = token_info(req);
        if (!info) {
            fault(res, 401, "error", "The request you have made requires authentication.");
            return std::nullopt;
        }
        return info;
    }

    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::string keystone_;
    std::mutex mu_;
    nlohmann::json instances_ = nlohmann::json::array();
    nlohmann::json flavors_ = nlohmann::json::array();
    std::atomic<int> usage_requests_{0};
    std::atomic<int> max_minor_{96};
};

}  // namespace packhost::testing

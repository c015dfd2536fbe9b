#pragma once
// A fake of Nova's compute API (Nova cannot run on these machines), written
// to the documented responses of the calls the pack makes:
// GET /v2.1/servers/detail (all_tenants, project_id; paged with
// servers_links rel=next when limit is given) and GET /v2.1/flavors/detail.
// It answers only requests carrying an X-Auth-Token that the real Keystone
// validates (GET /v3/auth/tokens), so a revoked token gets its 401.
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace packhost::testing {

class FakeNova {
public:
    FakeNova() {
        server_.Get("/v2.1/servers/detail", [this](const httplib::Request& req, httplib::Response& res) {
            if (!authorised(req, res)) return;
            nlohmann::json servers = nlohmann::json::array();
            std::string project = req.has_param("project_id") ? req.get_param_value("project_id") : token_project(req);
            bool all = req.has_param("all_tenants") && !req.has_param("project_id");
            for (const auto& s : servers_)
                if (all || s["tenant_id"] == project) servers.push_back(s);
            size_t offset = 0;
            if (req.has_param("marker")) offset = std::stoul(req.get_param_value("marker"));
            nlohmann::json page = nlohmann::json::array();
            for (size_t i = offset; i < servers.size() && page.size() < 2; ++i) page.push_back(servers[i]);
            nlohmann::json body = {{"servers", page}};
            if (offset + page.size() < servers.size()) {
                // Nova's next link: the same query with a marker.
                std::string href = "http://127.0.0.1:" + std::to_string(port_) +
                                   "/v2.1/servers/detail?marker=" + std::to_string(offset + page.size());
                if (req.has_param("all_tenants")) href += "&all_tenants=1";
                if (req.has_param("project_id")) href += "&project_id=" + req.get_param_value("project_id");
                body["servers_links"] = {{{"rel", "next"}, {"href", href}}};
            }
            res.set_content(body.dump(), "application/json");
        });
        server_.Get("/v2.1/flavors/detail", [this](const httplib::Request& req, httplib::Response& res) {
            if (!authorised(req, res)) return;
            res.set_content(nlohmann::json{{"flavors", flavors_}}.dump(), "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~FakeNova() {
        server_.stop();
        thread_.join();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v2.1"; }
    void set_keystone(const std::string& keystone_url) { keystone_ = keystone_url; }
    void add_server(const nlohmann::json& s) { servers_.push_back(s); }
    void add_flavor(const nlohmann::json& f) { flavors_.push_back(f); }

private:
    // The token's project, as Keystone says when it validates it.
    std::string token_project(const httplib::Request& req) {
        httplib::Client c(keystone_);
        std::string t = req.get_header_value("X-Auth-Token");
        auto r = c.Get("/v3/auth/tokens", {{"X-Auth-Token", t}, {"X-Subject-Token", t}});
        if (!r || r->status != 200) return "";
        return nlohmann::json::parse(r->body)["token"]["project"]["id"];
    }
    bool authorised(const httplib::Request& req, httplib::Response& res) {
        if (token_project(req).empty()) {
            res.status = 401;
            res.set_content(
                R"({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})",
                "application/json");
            return false;
        }
        return true;
    }

    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::string keystone_;
    nlohmann::json servers_ = nlohmann::json::array();
    nlohmann::json flavors_ = nlohmann::json::array();
};

}  // namespace packhost::testing

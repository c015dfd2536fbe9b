#include "keystone.hpp"

#include <ctime>
#include <map>

namespace openstack {
namespace {

using json = nlohmann::json;

// Keystone's "2026-12-03T23:59:59.000000Z".
std::chrono::system_clock::time_point parse_time(const std::string& text) {
    std::tm tm{};
    if (text.size() < 19 || !strptime(text.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) {
        throw OpenStackError("Keystone's token has an unreadable expires_at: " + text);
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

json parse_body(const std::string& body, const std::string& what) {
    try {
        return json::parse(body);
    } catch (const json::exception&) {
        throw OpenStackError(what + ": the answer is not JSON: " + body.substr(0, 200));
    }
}

// Keystone takes a domain by ID or by name.
json domain(const std::string& id, const std::string& name) {
    return id.empty() ? json{{"name", name}} : json{{"id", id}};
}

}  // namespace

std::string identity_v3(const std::string& auth_url) {
    if (auth_url.size() >= 3 && auth_url.compare(auth_url.size() - 3, 3, "/v3") == 0) return auth_url;
    return auth_url + "/v3";
}

std::string api_error(long status, const std::string& body) {
    std::string message;
    try {
        auto j = json::parse(body);
        if (j.is_object() && j.size() == 1) {
            const auto& inner = j.begin().value();
            if (inner.is_object() && inner.contains("message") && inner["message"].is_string())
                message = inner["message"].get<std::string>();
        }
    } catch (const json::exception&) {
    }
    if (message.empty()) message = body.substr(0, 200);
    return std::to_string(status) + (message.empty() ? "" : " " + message);
}

std::shared_ptr<const Token> Session::issue() {
    const auto& c = config_;
    json identity;
    json auth;
    if (!c.application_credential_id.empty()) {
        identity = {{"methods", {"application_credential"}},
                    {"application_credential",
                     {{"id", c.application_credential_id}, {"secret", c.application_credential_secret}}}};
        auth = {{"identity", identity}};  // an application credential carries its own scope
    } else {
        identity = {{"methods", {"password"}},
                    {"password",
                     {{"user",
                       {{"name", c.username},
                        {"domain", domain(c.user_domain_id, c.user_domain_name)},
                        {"password", c.password}}}}}};
        auth = {{"identity", identity}};
        if (!c.project_id.empty()) {
            auth["scope"] = {{"project", {{"id", c.project_id}}}};
        } else if (!c.project_name.empty()) {
            auth["scope"] = {
                {"project",
                 {{"name", c.project_name}, {"domain", domain(c.project_domain_id, c.project_domain_name)}}}};
        }
    }
    std::string url = identity_v3(c.auth_url) + "/auth/tokens";
    HttpResponse r;
    try {
        r = http_request("POST", url, {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                         json{{"auth", auth}}.dump(), c.http);
    } catch (const TransportError& e) {
        throw OpenStackError(std::string("Keystone: ") + e.what());
    }
    if (r.status == 401) {
        std::string who = !c.application_credential_id.empty()
                              ? "application credential " + c.application_credential_id
                              : "user '" + c.username + "' (domain " +
                                    (c.user_domain_id.empty() ? c.user_domain_name : c.user_domain_id) + ")";
        std::string scope = c.project_id.empty() && c.project_name.empty()
                                ? ""
                                : " for project '" + (c.project_id.empty() ? c.project_name : c.project_id) +
                                      "' (domain " +
                                      (c.project_domain_id.empty() ? c.project_domain_name : c.project_domain_id) + ")";
        throw OpenStackError("Keystone refused the credentials of " + who + scope +
                             " (wrong password, unknown or disabled user or project): " + api_error(r.status, r.body));
    }
    if (r.status != 201 && r.status != 200) {
        throw OpenStackError("Keystone POST " + url + ": " + api_error(r.status, r.body));
    }
    auto subject = r.headers.find("x-subject-token");
    if (subject == r.headers.end() || subject->second.empty()) {
        throw OpenStackError("Keystone answered without an X-Subject-Token header");
    }
    auto body = parse_body(r.body, "Keystone POST " + url);
    auto t = std::make_shared<Token>();
    t->id = subject->second;
    t->body = body.value("token", json::object());
    t->expires_at = parse_time(t->body.value("expires_at", std::string()));
    return t;
}

std::shared_ptr<const Token> Session::token(bool fresh) {
    std::lock_guard lock(mu_);
    auto soon = std::chrono::system_clock::now() + std::chrono::seconds(60);
    if (fresh || !token_ || token_->expires_at <= soon) {
        token_ = issue();
        ++issued_;
    }
    return token_;
}

int Session::issued() const {
    std::lock_guard lock(mu_);
    return issued_;
}

std::string Session::endpoint(const std::string& type) {
    auto t = token();
    const json& catalog = t->body.contains("catalog") ? t->body["catalog"] : json::array();
    std::string have;
    for (const auto& service : catalog) {
        std::string st = service.value("type", std::string());
        have += (have.empty() ? "" : ", ") + st;
        if (st != type) continue;
        std::string regions;
        for (const auto& e : service.value("endpoints", json::array())) {
            std::string region = e.value("region_id", e.value("region", std::string()));
            if (e.value("interface", std::string()) != config_.interface) continue;
            if (!config_.region_name.empty() && region != config_.region_name) {
                regions += (regions.empty() ? "" : ", ") + region;
                continue;
            }
            std::string url = e.value("url", std::string());
            while (!url.empty() && url.back() == '/') url.pop_back();
            return url;
        }
        throw OpenStackError("the service catalog has '" + type + "' but no " + config_.interface + " endpoint" +
                             (config_.region_name.empty() ? "" : " in region " + config_.region_name) +
                             (regions.empty() ? "" : " (regions: " + regions + ")"));
    }
    throw OpenStackError("no '" + type +
                         "' service in the catalog of this cloud (it has: " + (have.empty() ? "nothing" : have) + ")");
}

json Session::get(const std::string& url, const std::map<std::string, std::string>& headers) {
    for (int attempt = 0;; ++attempt) {
        auto t = token(attempt > 0);
        auto all = headers;
        all["X-Auth-Token"] = t->id;
        all["Accept"] = "application/json";
        HttpResponse r;
        try {
            r = http_request("GET", url, all, "", config_.http);
        } catch (const TransportError& e) {
            throw OpenStackError(e.what());
        }
        if (r.status == 401 && attempt == 0) continue;  // revoked or expired early: once more with a new token
        if (r.status < 200 || r.status >= 300) {
            throw OpenStackError("GET " + url + ": " + api_error(r.status, r.body), r.status);
        }
        return parse_body(r.body, "GET " + url);
    }
}

json Session::get_all(const std::string& url, const std::string& key) {
    json all = json::array();
    std::string next = url;
    for (int page = 0; !next.empty(); ++page) {
        if (page == 10000) throw OpenStackError("GET " + url + ": more than 10000 pages");
        auto j = get(next);
        for (auto& item : j.value(key, json::array())) all.push_back(std::move(item));
        next.clear();
        if (auto links = j.find("links"); links != j.end() && links->is_object()) {
            if (auto n = links->find("next"); n != links->end() && n->is_string()) next = n->get<std::string>();
        }
    }
    return all;
}

std::shared_ptr<Session> session_for(const CloudConfig& config) {
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<Session>> sessions;
    std::lock_guard lock(mu);
    auto& s = sessions[config.identity()];
    if (!s) s = std::make_shared<Session>(config);
    return s;
}

}  // namespace openstack

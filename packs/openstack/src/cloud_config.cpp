#include "cloud_config.hpp"

#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "clouds_yaml.hpp"

namespace openstack {
namespace {

using json = nlohmann::json;

bool truthy(const std::string& s) { return s == "1" || s == "true" || s == "True" || s == "yes"; }

// Where a setting is read, first to last: the pack's config, the cloud
// named in it (or by OS_CLOUD) from clouds.yaml, the OS_* environment.
class Sources {
public:
    explicit Sources(const json& config) : config_(config) {
        std::string cloud = text(config_, "cloud");
        if (cloud.empty()) {
            if (const char* v = std::getenv("OS_CLOUD"); v && *v) cloud = v;
        }
        if (!cloud.empty()) cloud_ = find_cloud(cloud);
    }

    // `key` of the config (none: nullptr), else `cloud_key` (default `key`)
    // of the cloud (under auth: when `in_auth`), else variable `env`, else
    // `fallback`.
    std::string pick(const char* key, const char* env, const std::string& fallback = "", bool in_auth = true,
                     const char* cloud_key = nullptr) const {
        if (key) {
            if (auto v = text(config_, key); !v.empty()) return v;
        }
        const json& where = in_auth ? auth() : cloud_;
        if (auto v = text(where, cloud_key ? cloud_key : key); !v.empty()) return v;
        if (env) {
            if (const char* v = std::getenv(env); v && *v) return v;
        }
        return fallback;
    }
    // A boolean: the config's, else the cloud's (YAML's true/false/yes/no).
    std::optional<bool> flag(const char* key, const char* cloud_key) const {
        if (auto it = config_.find(key); it != config_.end() && it->is_boolean()) return it->get<bool>();
        if (auto v = text(cloud_, cloud_key); !v.empty()) return truthy(v) || v == "TRUE";
        return std::nullopt;
    }
    double number(const char* key, const char* cloud_key) const {
        if (auto it = config_.find(key); it != config_.end() && it->is_number()) return it->get<double>();
        if (auto v = text(cloud_, cloud_key); !v.empty()) {
            try {
                return std::stod(v);
            } catch (const std::exception&) {
                throw std::invalid_argument(std::string(cloud_key) + " of the cloud: '" + v + "' is not a number");
            }
        }
        return 0;
    }

private:
    static std::string text(const json& j, const char* key) {
        if (!j.is_object()) return "";
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return "";
        return it->get<std::string>();
    }
    const json& auth() const {
        static const json none = json::object();
        auto it = cloud_.is_object() ? cloud_.find("auth") : cloud_.end();
        return it != cloud_.end() && it->is_object() ? *it : none;
    }

    const json& config_;
    json cloud_ = json::object();
};

}  // namespace

std::string CloudConfig::identity() const {
    return auth_url + '\n' + username + '\n' + user_domain_name + '\n' + user_domain_id + '\n' + password + '\n' +
           project_name + '\n' + project_id + '\n' + project_domain_name + '\n' + project_domain_id + '\n' +
           application_credential_id + '\n' + application_credential_secret + '\n' + region_name + '\n' + interface +
           '\n' + (http.verify_ssl ? "verify" : "insecure") + '\n' + http.ca_file + '\n' +
           std::to_string(http.timeout_seconds);
}

CloudConfig read_cloud_config(const nlohmann::json& config) {
    Sources from(config);
    CloudConfig c;
    c.auth_url = from.pick("auth_url", "OS_AUTH_URL");
    while (!c.auth_url.empty() && c.auth_url.back() == '/') c.auth_url.pop_back();
    c.username = from.pick("username", "OS_USERNAME");
    c.password = from.pick("password", "OS_PASSWORD");
    c.project_name = from.pick("project_name", "OS_PROJECT_NAME");
    if (c.project_name.empty()) c.project_name = from.pick(nullptr, "OS_TENANT_NAME", "", true, "tenant_name");
    c.project_id = from.pick("project_id", "OS_PROJECT_ID");
    if (c.project_id.empty()) c.project_id = from.pick(nullptr, "OS_TENANT_ID", "", true, "tenant_id");
    c.user_domain_id = from.pick("user_domain_id", "OS_USER_DOMAIN_ID");
    c.user_domain_name =
        from.pick("user_domain_name", "OS_USER_DOMAIN_NAME", c.user_domain_id.empty() ? "Default" : "");
    c.project_domain_id = from.pick("project_domain_id", "OS_PROJECT_DOMAIN_ID");
    c.project_domain_name =
        from.pick("project_domain_name", "OS_PROJECT_DOMAIN_NAME", c.project_domain_id.empty() ? "Default" : "");
    c.region_name = from.pick("region_name", "OS_REGION_NAME", "", false);
    c.interface = from.pick("interface", "OS_INTERFACE", "public", false);
    c.application_credential_id = from.pick("application_credential_id", "OS_APPLICATION_CREDENTIAL_ID");
    c.application_credential_secret = from.pick("application_credential_secret", "OS_APPLICATION_CREDENTIAL_SECRET");
    c.http.ca_file = from.pick("ca_file", "OS_CACERT", "", false, "cacert");
    if (auto verify = from.flag("verify_ssl", "verify")) {
        c.http.verify_ssl = *verify;
    } else if (const char* insecure = std::getenv("OS_INSECURE"); insecure && truthy(insecure)) {
        c.http.verify_ssl = false;
    }
    if (double t = from.number("timeout", "api_timeout"); t > 0) c.http.timeout_seconds = static_cast<long>(t);
    if (c.interface == "publicURL") c.interface = "public";  // the old CLI spellings
    if (c.interface == "internalURL") c.interface = "internal";
    if (c.interface == "adminURL") c.interface = "admin";

    if (c.auth_url.empty()) throw std::invalid_argument("auth_url: not set (the pack's config or OS_AUTH_URL)");
    if (c.interface != "public" && c.interface != "internal" && c.interface != "admin") {
        throw std::invalid_argument("interface: '" + c.interface + "' is not public, internal or admin");
    }
    bool app_credential = !c.application_credential_id.empty();
    if (app_credential && c.application_credential_secret.empty()) {
        throw std::invalid_argument("application_credential_secret: not set (application_credential_id is)");
    }
    if (!app_credential && (c.username.empty() || c.password.empty())) {
        throw std::invalid_argument(
            "username and password (or application_credential_id and application_credential_secret): not set "
            "(the pack's config or OS_USERNAME / OS_PASSWORD)");
    }
    return c;
}

bool cloud_configured(const nlohmann::json& config) {
    for (const char* key : {"auth_url", "cloud"}) {
        if (auto it = config.find(key); it != config.end() && it->is_string() && !it->get<std::string>().empty())
            return true;
    }
    for (const char* env : {"OS_AUTH_URL", "OS_CLOUD"}) {
        if (const char* v = std::getenv(env); v && *v) return true;
    }
    return false;
}

}  // namespace openstack

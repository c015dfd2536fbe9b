#include "cloud_config.hpp"

#include <cstdlib>
#include <stdexcept>

namespace openstack {
namespace {

// The configuration's value, else the environment's, else `fallback`.
std::string pick(const nlohmann::json& config, const char* key, const char* env, const std::string& fallback = "") {
    if (auto it = config.find(key); it != config.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
        return it->get<std::string>();
    if (env) {
        if (const char* v = std::getenv(env); v && *v) return v;
    }
    return fallback;
}

bool truthy(const std::string& s) { return s == "1" || s == "true" || s == "True" || s == "yes"; }

}  // namespace

std::string CloudConfig::identity() const {
    return auth_url + '\n' + username + '\n' + user_domain_name + '\n' + password + '\n' + project_name + '\n' +
           project_id + '\n' + project_domain_name + '\n' + application_credential_id + '\n' +
           application_credential_secret + '\n' + region_name + '\n' + interface + '\n' +
           (http.verify_ssl ? "verify" : "insecure") + '\n' + http.ca_file + '\n' +
           std::to_string(http.timeout_seconds);
}

CloudConfig read_cloud_config(const nlohmann::json& config) {
    CloudConfig c;
    c.auth_url = pick(config, "auth_url", "OS_AUTH_URL");
    while (!c.auth_url.empty() && c.auth_url.back() == '/') c.auth_url.pop_back();
    c.username = pick(config, "username", "OS_USERNAME");
    c.password = pick(config, "password", "OS_PASSWORD");
    c.project_name = pick(config, "project_name", "OS_PROJECT_NAME");
    c.project_id = pick(config, "project_id", "OS_PROJECT_ID");
    c.user_domain_name = pick(config, "user_domain_name", "OS_USER_DOMAIN_NAME", "Default");
    c.project_domain_name = pick(config, "project_domain_name", "OS_PROJECT_DOMAIN_NAME", "Default");
    c.region_name = pick(config, "region_name", "OS_REGION_NAME");
    c.interface = pick(config, "interface", "OS_INTERFACE", "public");
    c.application_credential_id = pick(config, "application_credential_id", "OS_APPLICATION_CREDENTIAL_ID");
    c.application_credential_secret = pick(config, "application_credential_secret", "OS_APPLICATION_CREDENTIAL_SECRET");
    c.http.ca_file = pick(config, "ca_file", "OS_CACERT");
    if (auto it = config.find("verify_ssl"); it != config.end() && it->is_boolean()) {
        c.http.verify_ssl = it->get<bool>();
    } else if (const char* insecure = std::getenv("OS_INSECURE"); insecure && truthy(insecure)) {
        c.http.verify_ssl = false;
    }
    if (auto it = config.find("timeout"); it != config.end() && it->is_number() && it->get<double>() > 0) {
        c.http.timeout_seconds = static_cast<long>(it->get<double>());
    }
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

}  // namespace openstack

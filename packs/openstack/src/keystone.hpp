#pragma once
// A Keystone v3 session: password or application-credential auth, the
// token kept until shortly before it expires and issued again once when a
// service answers 401 (revoked), endpoints from the token's service catalog,
// and GETs that follow `links.next` pages.
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "cloud_config.hpp"

namespace openstack {

// What an action reports: a message for people (wrong password, unknown
// project, no endpoint, TLS failure, timeout).
struct OpenStackError : std::runtime_error {
    explicit OpenStackError(const std::string& message, long http_status = 0)
        : std::runtime_error(message), status(http_status) {}
    long status;  // the HTTP status when a service refused the call; else 0
};

struct Token {
    std::string id;  // X-Subject-Token
    std::chrono::system_clock::time_point expires_at;
    nlohmann::json body;  // the response's "token": user, project, roles, catalog
};

class Session {
public:
    explicit Session(CloudConfig config) : config_(std::move(config)) {}

    const CloudConfig& config() const { return config_; }

    // The cached token, or a new one when there is none or it expires within
    // a minute (`fresh`: always a new one). Throws OpenStackError.
    std::shared_ptr<const Token> token(bool fresh = false);
    // How many tokens this session has issued (tests, benchmarks).
    int issued() const;

    // The URL of service `type` ("compute", "identity") for the configured
    // interface and region, from the token's catalog. Throws OpenStackError
    // naming what the catalog has.
    std::string endpoint(const std::string& type);

    // GET `url` with the token (and `headers`, e.g. a microversion); a 401
    // issues a new token and tries once more. Throws OpenStackError with the
    // service's own message for an error.
    nlohmann::json get(const std::string& url, const std::map<std::string, std::string>& headers = {});
    // GET, following `links.next` (Keystone's paging), the `key` arrays of
    // every page joined.
    nlohmann::json get_all(const std::string& url, const std::string& key);

private:
    std::shared_ptr<const Token> issue();

    CloudConfig config_;
    mutable std::mutex mu_;
    std::shared_ptr<const Token> token_;
    int issued_ = 0;
};

// One session per set of credentials for the process, so that executions
// share the token.
std::shared_ptr<Session> session_for(const CloudConfig& config);

// Keystone's URL of its v3 API from auth_url ("http://h:5000" or ".../v3").
std::string identity_v3(const std::string& auth_url);

// An OpenStack API's error body ({"error": {"message"}} from Keystone,
// {"itemNotFound": {"message"}} from Nova) as one line, with the status.
std::string api_error(long status, const std::string& body);

}  // namespace openstack

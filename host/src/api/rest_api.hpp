#pragma once
// StackStorm's REST API (its paths, field names and `{"faultstring"}`
// errors) over the host's services: the handlers translate HTTP to calls on
// the control service, the registry and the store, and errors to status
// codes; no execution lifecycle lives here.
#include <memory>
#include <string>

#include "api/api_keys.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace packhost {
class Host;
}

namespace packhost::api {

struct RestOptions {
    // Off only on a loopback address (serve refuses otherwise).
    bool require_auth = true;
    // Whom requests act as when no key is required.
    std::string user = "packhost";
};

class RestApi {
public:
    RestApi(Host& host, RestOptions options);

    // Sets request.user once the key is checked.
    http::Response handle(http::Request& request);
    const http::Router& router() const { return router_; }

private:
    // The user a request acts as; empty when it may not go on (`denied` set).
    std::string authenticate(const http::Request& request, http::Response& denied);
    void add_routes();

    Host& host_;
    RestOptions options_;
    std::unique_ptr<ApiKeys> keys_;
    http::Router router_;
};

}  // namespace packhost::api

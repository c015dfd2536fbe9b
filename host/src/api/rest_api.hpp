#pragma once
// StackStorm's REST API (its paths, field names and `{"faultstring"}`
// errors) over the host's services: the handlers translate HTTP to calls on
// the control service, the registry and the store, and errors to status
// codes; no execution lifecycle lives here.
#include <map>
#include <memory>
#include <string>

#include "api/api_keys.hpp"
#include "api/metrics.hpp"
#include "api/tokens.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace packhost {
class Host;
namespace events {
class EventBus;
}
}  // namespace packhost

namespace packhost::api {

struct RestOptions {
    // Off only on a loopback address (serve refuses otherwise).
    bool require_auth = true;
    // Whom requests act as when no key is required.
    std::string user = "packhost";
    // The event stream's source; null: /stream/v1/stream answers 503.
    events::EventBus* events = nullptr;
    // Executions accepted and not finished past which POST /executions
    // answers 429 (the queue is full).
    size_t max_unfinished = 10000;
    // Bytes an event-stream reader may fall behind before it is cut off.
    size_t stream_max_buffered_bytes = 1 << 20;
    // Webhooks that must be signed (X-Hub-Signature-256), by name: the secret.
    std::map<std::string, std::string> webhook_secrets;
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
    void add_token_route();

    Host& host_;
    RestOptions options_;
    std::unique_ptr<ApiKeys> keys_;
    std::unique_ptr<Tokens> tokens_;  // null when the host has no key to sign with
    Metrics metrics_;
    http::Router router_;
};

}  // namespace packhost::api

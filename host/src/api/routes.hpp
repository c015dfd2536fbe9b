#pragma once
// The REST API's routes, by what they serve; RestApi adds them all.
#include "api/rest_api.hpp"
#include "http/router.hpp"

namespace packhost {
class Host;
}

namespace packhost::api {

// /api/v1/health, /packs, /actions.
void add_catalog_routes(http::Router& router, Host& host);
// /api/v1/actionalias...: the packs' action aliases.
void add_alias_routes(http::Router& router, Host& host);
// /api/v1/executions...
void add_execution_routes(http::Router& router, Host& host, const RestOptions& options);
// /api/v1/keys...: the datastore.
void add_key_routes(http::Router& router, Host& host);
// /api/v1/webhooks/{name}, /api/v1/triggerinstances...
void add_trigger_routes(http::Router& router, Host& host, const RestOptions& options);
// /stream/v1/stream: server-sent events from `options.events`.
void add_stream_route(http::Router& router, const RestOptions& options);

}  // namespace packhost::api

#include "api/rest_api.hpp"

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/clock.hpp"
#include "host.hpp"
#include "http/pending.hpp"

namespace packhost::api {

using http::Request;
using http::Response;

RestApi::RestApi(Host& host, RestOptions options)
    : host_(host), options_(std::move(options)), metrics_(host, options_.events) {
    if (host_.store()) keys_ = std::make_unique<ApiKeys>(*host_.store());
    if (host_.secrets()) tokens_ = std::make_unique<Tokens>(*host_.secrets());
    add_token_route();
    router_.add("GET", "/metrics", [this](const Request&, const http::Params&) {
        Response out;
        out.content_type = "text/plain; version=0.0.4; charset=utf-8";
        out.body = metrics_.text();
        return out;
    });
    add_catalog_routes(router_, host_);
    add_alias_routes(router_, host_);
    add_execution_routes(router_, host_, options_);
    add_key_routes(router_, host_);
    add_trigger_routes(router_, host_, options_);
    add_stream_route(router_, options_);
}

std::string RestApi::authenticate(const Request& request, Response& denied) {
    if (!options_.require_auth) return options_.user;
    std::string_view token = request.header("x-auth-token");
    if (token.empty()) {
        if (const std::string* q = request.query_value("x-auth-token")) token = *q;
    }
    if (!token.empty()) {
        auto user = tokens_ ? tokens_->verify(token) : std::nullopt;
        if (!user || user->empty()) {
            denied = Response::fault(401, "Unauthorized - the token is not valid (expired, or not made here).");
            return {};
        }
        return *user;
    }
    std::string_view key = request.header("st2-api-key");
    if (key.empty()) {
        if (const std::string* q = request.query_value("st2-api-key")) key = *q;
    }
    if (key.empty()) {
        denied = Response::fault(401, "Unauthorized - One of Token or API key required.");
        return {};
    }
    auto record = keys_ ? keys_->verify(key) : std::nullopt;
    if (!record) {
        denied = Response::fault(401, "Unauthorized - the API key is not valid (revoked, or never made here).");
        return {};
    }
    return record->user;
}

void RestApi::add_token_route() {
    // StackStorm's auth service: a token for whoever the request
    // authenticated as (here with an API key), for `ttl` seconds.
    router_.add("POST", "/auth/v1/tokens", guarded([this](const Request& req, const http::Params&) {
                    if (!tokens_) return Response::fault(503, "this host has no key to sign tokens with");
                    Json body = json_body(req, true);
                    auto ttl = Tokens::kDefaultTtl;
                    if (auto t = body.find("ttl"); t != body.end() && !t->is_null()) {
                        if (!t->is_number_integer()) throw core::ValidationError("'ttl' must be a whole number");
                        ttl = std::chrono::seconds(t->get<int64_t>());
                    }
                    auto issued = tokens_->issue(req.user, ttl);
                    Json out = Json::object();
                    out["user"] = issued.user;
                    out["token"] = issued.token;
                    out["expiry"] = core::iso8601(issued.expiry_us);
                    out["metadata"] = Json::object();
                    return Response::json(201, out);
                }));
}

Response RestApi::handle(Request& request) {
    std::string route;
    Response out;
    if (request.path != "/api/v1/health") request.user = authenticate(request, out);
    if (request.path == "/api/v1/health" || !request.user.empty()) out = router_.dispatch(request, &route);
    if (route.empty()) route = "unmatched";
    if (out.pending) {
        out.pending->then(
            [this, method = request.method, route](Response& r) { metrics_.count_request(method, route, r.status); });
    } else {
        metrics_.count_request(request.method, route, out.status);
    }
    return out;
}

}  // namespace packhost::api

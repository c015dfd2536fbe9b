// StackStorm's datastore over HTTP (/api/v1/keys). As in StackStorm with
// RBAC off, any valid key may read and decrypt system keys; user-scope keys
// are those of the user the request acts as.
#include <chrono>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "host.hpp"
#include "store/key_value_view.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;

store::Datastore& datastore(Host& host) {
    auto* ds = host.datastore();
    if (!ds) throw Response::fault(503, "this host has no datastore (it runs without a packhost home)");
    return *ds;
}

// StackStorm names scopes both ways: "system" and "st2kv.system".
std::string scope_named(std::string_view scope, bool all_allowed) {
    if (scope.rfind("st2kv.", 0) == 0) scope.remove_prefix(6);
    if (scope == "system" || scope == "user" || (all_allowed && scope == "all")) return std::string(scope);
    throw core::ValidationError("scope must be 'system' or 'user'" + std::string(all_allowed ? " (or 'all')" : "") +
                                ", got '" + std::string(scope) + "'");
}

std::string scope_of(const Request& r, const char* fallback, bool all_allowed = false) {
    const std::string* s = r.query_value("scope");
    return scope_named(s ? std::string_view(*s) : std::string_view(fallback), all_allowed);
}

store::Datastore::Options options(const std::string& scope, const Request& r, bool secret) {
    return {scope, scope == "user" ? r.user : "", secret};
}

Response not_found(const std::string& name, const std::string& scope) {
    return Response::fault(404, "Key with name: " + name + " and scope: " + scope + " not found!");
}

}  // namespace

void add_key_routes(http::Router& r, Host& host) {
    r.add("GET", "/api/v1/keys", guarded([&host](const Request& req, const Params&) {
              auto& ds = datastore(host);
              std::string scope = scope_of(req, "all", true);
              const std::string* prefix = req.query_value("prefix");
              bool decrypt = flag_param(req, "decrypt");
              Json out = Json::array();
              for (const char* s : {"system", "user"}) {
                  if (scope != "all" && scope != s) continue;
                  for (const auto& kv : ds.list(prefix ? *prefix : "", options(s, req, decrypt))) {
                      out.push_back(store::key_value_view(kv));
                  }
              }
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/keys/{name}", guarded([&host](const Request& req, const Params& p) {
              std::string scope = scope_of(req, "system");
              auto kv = datastore(host).get(p.at("name"), options(scope, req, flag_param(req, "decrypt")));
              if (!kv) return not_found(p.at("name"), scope);
              return Response::json(200, store::key_value_view(*kv));
          }));

    r.add("PUT", "/api/v1/keys/{name}", guarded([&host](const Request& req, const Params& p) {
              Json body = json_body(req);
              auto value = body.find("value");
              if (value == body.end() || !value->is_string()) {
                  throw core::ValidationError("'value' must be a string");
              }
              std::string scope = scope_named(body.value("scope", std::string("system")), false);
              if (const std::string* q = req.query_value("scope")) scope = scope_named(*q, false);
              bool secret = false;
              if (auto s = body.find("secret"); s != body.end()) {
                  if (!s->is_boolean()) throw core::ValidationError("'secret' must be true or false");
                  secret = s->get<bool>();
              }
              int64_t ttl = 0;
              if (auto t = body.find("ttl"); t != body.end() && !t->is_null()) {
                  if (!t->is_number_integer() || t->get<int64_t>() < 0) {
                      throw core::ValidationError("'ttl' must be a whole number of seconds, 0 or more");
                  }
                  ttl = t->get<int64_t>();
              }
              auto& ds = datastore(host);
              ds.set(p.at("name"), value->get<std::string>(), std::chrono::seconds(ttl), options(scope, req, secret));
              auto kv = ds.get(p.at("name"), options(scope, req, false));
              if (!kv) return not_found(p.at("name"), scope);  // a ttl too short to read it back
              return Response::json(200, store::key_value_view(*kv));
          }));

    r.add("DELETE", "/api/v1/keys/{name}", guarded([&host](const Request& req, const Params& p) {
              std::string scope = scope_of(req, "system");
              if (!datastore(host).remove(p.at("name"), options(scope, req, false))) {
                  return not_found(p.at("name"), scope);
              }
              Response gone;
              gone.status = 204;
              gone.content_type.clear();
              return gone;
          }));
}

}  // namespace packhost::api

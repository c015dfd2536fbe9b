#include "api/routes.hpp"

#include "actions/pack_view.hpp"
#include "api/handler_support.hpp"
#include "api/openapi.hpp"
#include "host.hpp"
#include "store/store.hpp"

namespace packhost::api {

using http::Params;
using http::Request;
using http::Response;

void add_catalog_routes(http::Router& r, Host& host) {
    r.add("GET", "/api/v1/openapi.json", [](const Request&, const Params&) {
        Response out;
        out.body = std::string(openapi_document());
        return out;
    });

    r.add("GET", "/api/v1/health", guarded([&host](const Request&, const Params&) {
              Json body = Json::object();
              body["status"] = "ok";
              if (auto* store = host.store()) {
                  auto h = store->health();
                  body["store"] = {{"ok", h.ok}, {"pending", h.pending}};
                  if (!h.ok) {
                      body["status"] = "degraded";
                      body["store"]["last_error"] = h.last_error;
                  }
              }
              body["packs"] = host.catalog().loaded().size();
              body["executions_running"] = host.scheduler().unfinished();
              return Response::json(200, body);
          }));

    r.add("GET", "/api/v1/packs", guarded([&host](const Request&, const Params&) {
              Json out = Json::array();
              for (const auto& p : host.catalog().loaded()) out.push_back(actions::pack_json(*p, host.registry()));
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/actions", guarded([&host](const Request& req, const Params&) {
              const std::string* pack = req.query_value("pack");
              Json out = Json::array();
              auto list = pack ? host.registry().list(*pack) : host.registry().list();
              for (const auto& a : list) out.push_back(a->to_json());
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/actions/{ref}", guarded([&host](const Request&, const Params& p) {
              auto a = host.registry().find(p.at("ref"));
              if (!a) throw core::NotFound("Action \"" + p.at("ref") + "\" cannot be found.");
              return Response::json(200, a->to_json());
          }));
}

}  // namespace packhost::api

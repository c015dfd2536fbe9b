// Webhooks (any POST becomes a core.st2.webhook trigger instance) and the
// stored trigger instances, as StackStorm's API has them.
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "api/webhook_signature.hpp"
#include "core/json_text.hpp"
#include "events/publishing_store.hpp"
#include "host.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;

// Credentials are not the event's business: they would be stored with it.
bool private_header(std::string_view name) {
    return name == "st2-api-key" || name == "x-auth-token" || name == "authorization" || name == "cookie";
}

// The body as its sender meant it: JSON (any value) or a form; empty is null.
Json webhook_body(const Request& r) {
    if (r.body.empty()) return nullptr;
    auto type = r.header("content-type");
    auto base = http::media_type(type);
    if (base == "application/x-www-form-urlencoded") {
        Json form = Json::object();
        for (auto& [k, v] : http::parse_form(r.body)) form[k] = std::move(v);
        return form;
    }
    if (base != "application/json") {
        throw Response::fault(415,
                              "A webhook's body must be JSON (application/json) or a form "
                              "(application/x-www-form-urlencoded), got " +
                                  (type.empty() ? std::string("no Content-Type") : std::string(type)));
    }
    try {
        return core::parse_json(r.body, "the webhook's body");
    } catch (const core::JsonTextError& e) {
        throw Response::fault(400, e.what());
    }
}

}  // namespace

void add_trigger_routes(http::Router& r, Host& host, const RestOptions& options) {
    r.add("POST", "/api/v1/webhooks/{name}", guarded([&host, &options](const Request& req, const Params& p) {
              const std::string& name = p.at("name");
              if (auto secret = options.webhook_secrets.find(name); secret != options.webhook_secrets.end()) {
                  if (!signature_valid(req.header("x-hub-signature-256"), secret->second, req.body)) {
                      return Response::fault(401, "webhook '" + name +
                                                      "' must be signed: X-Hub-Signature-256 is missing or does not "
                                                      "match the body");
                  }
              }
              Json headers = Json::object();
              for (const auto& [k, v] : req.headers) {
                  if (!private_header(k)) headers[k] = v;
              }
              Json payload = Json::object();
              payload["url"] = name;
              payload["headers"] = std::move(headers);
              payload["body"] = webhook_body(req);
              auto id = host.emit_trigger("core.st2.webhook", std::move(payload));
              if (!id) return Response::fault(429, "The trigger queue is full; try again later.");
              Json out = Json::object();
              out["id"] = *id;
              out["trigger"] = "core.st2.webhook";
              out["url"] = name;
              return Response::json(202, out);
          }));

    r.add("GET", "/api/v1/triggerinstances", guarded([&host](const Request& req, const Params&) {
              auto* store = host.store();
              if (!store) return Response::json(200, Json::array());
              store::TriggerInstanceFilter f;
              if (const auto* t = req.query_value("trigger")) f.trigger = *t;
              auto [limit, offset] = page_params(req);
              f.limit = limit + offset;
              store->flush();  // what was accepted a moment ago is listed
              auto records = store->trigger_instances(f);
              Json out = Json::array();
              for (size_t i = offset; i < records.size(); ++i) {
                  out.push_back(events::trigger_instance_view(records[i]));
              }
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/triggerinstances/{id}", guarded([&host](const Request&, const Params& p) {
              auto* store = host.store();
              std::optional<store::TriggerInstanceRecord> t;
              if (store) {
                  store->flush();
                  t = store->trigger_instance(p.at("id"));
              }
              if (!t) throw core::NotFound("trigger instance '" + p.at("id") + "' does not exist");
              return Response::json(200, events::trigger_instance_view(*t));
          }));
}

}  // namespace packhost::api

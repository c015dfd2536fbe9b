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

// What was accepted a moment ago is found.
store::TriggerInstanceRecord stored_instance(Host& host, const std::string& id) {
    auto* store = host.store();
    std::optional<store::TriggerInstanceRecord> t;
    if (store) {
        store->flush();
        t = store->trigger_instance(id);
    }
    if (!t) throw core::NotFound("trigger instance '" + id + "' does not exist");
    return std::move(*t);
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
              auto emitted = host.emit_trigger(
                  events::system_triggers::kWebhook, std::move(payload),
                  events::normalized_trigger_parameters(events::system_triggers::kWebhook, {{"url", name}}));
              if (emitted.outcome == Host::Emitted::Outcome::busy)
                  return Response::fault(429, "The trigger queue is full; try again later.");
              if (emitted.outcome == Host::Emitted::Outcome::rejected)
                  return Response::fault(400, "trigger instance " + emitted.id + " rejected: " + emitted.reason);
              Json out = Json::object();
              out["id"] = emitted.id;
              out["trigger"] = "core.st2.webhook";
              out["url"] = name;
              return Response::json(202, out);
          }));

    r.add("GET", "/api/v1/triggerinstances", guarded([&host](const Request& req, const Params&) {
              auto* store = host.store();
              if (!store) return Response::json(200, Json::array());
              store::TriggerInstanceFilter f;
              if (const auto* t = req.query_value("trigger")) f.trigger = *t;
              if (const auto* st = req.query_value("status")) f.status = *st;
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
              return Response::json(200, events::trigger_instance_view(stored_instance(host, p.at("id"))));
          }));

    // StackStorm's re_emit: the same trigger and payload again, the payload
    // saying which instance it repeats.
    r.add("POST", "/api/v1/triggerinstances/{id}/re_emit", guarded([&host](const Request&, const Params& p) {
              auto t = stored_instance(host, p.at("id"));
              Json payload = *t.payload;
              payload["__context"] = {{"original_id", t.id}};
              auto emitted = host.emit_trigger(t.trigger, payload, t.parameters);
              if (emitted.outcome == Host::Emitted::Outcome::busy)
                  return Response::fault(429, "The trigger queue is full; try again later.");
              if (emitted.outcome == Host::Emitted::Outcome::rejected)
                  return Response::fault(400, "trigger instance " + emitted.id + " rejected: " + emitted.reason);
              Json out = Json::object();
              out["message"] = "Trigger instance " + t.id + " succesfully re-sent.";
              out["id"] = emitted.id;
              out["payload"] = std::move(payload);
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/triggertypes", guarded([&host](const Request& req, const Params&) {
              const auto* pack = req.query_value("pack");
              Json out = Json::array();
              for (const auto* t : host.trigger_types().list()) {
                  if (!pack || t->pack == *pack) out.push_back(t->to_json());
              }
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/triggertypes/{ref}", guarded([&host](const Request&, const Params& p) {
              const auto* t = host.trigger_types().find(p.at("ref"));
              if (!t) throw core::NotFound("trigger type '" + p.at("ref") + "' is not known");
              return Response::json(200, t->to_json());
          }));
}

}  // namespace packhost::api

#include "api/rest_api.hpp"

#include <algorithm>
#include <chrono>
#include <charconv>

#include "actions/pack_view.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "core/status.hpp"
#include "executions/record_view.hpp"
#include "host.hpp"
#include "store/store.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;

constexpr size_t kMaxListLimit = 1000;

// A JSON object from a request body; anything else is the caller's fault.
Json json_body(const Request& r, bool optional = false) {
    if (optional && r.body.empty()) return Json::object();
    auto type = r.header("content-type");
    auto semi = type.find(';');
    auto base = type.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    if (base != "application/json") {
        throw http::Response::fault(415, "The request body must be JSON (Content-Type: application/json), got " +
                                             (type.empty() ? std::string("no Content-Type") : std::string(type)));
    }
    Json body;
    try {
        body = core::parse_json(r.body, "the request body");
    } catch (const core::JsonTextError& e) {
        throw http::Response::fault(400, e.what());
    }
    if (!body.is_object()) throw http::Response::fault(400, "the request body must be a JSON object");
    return body;
}

size_t number_param(const Request& r, const char* name, size_t fallback, size_t most) {
    const std::string* v = r.query_value(name);
    if (!v) return fallback;
    size_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size()) {
        throw http::Response::fault(
            400, std::string("query parameter '") + name + "' must be a whole number, got '" + *v + "'");
    }
    return std::min(n, most);
}

Response fault_of(const core::ValidationError& e) {
    int status = dynamic_cast<const core::NotFound*>(&e) ? 404 : 400;
    Response r = Response::fault(status, e.what());
    if (e.problems().size() > 1) {
        Json body = Json::object();
        body["faultstring"] = e.what();
        body["problems"] = e.problems();
        r = Response::json(status, body);
    }
    return r;
}

}  // namespace

RestApi::RestApi(Host& host, RestOptions options) : host_(host), options_(options) {
    if (host_.store()) keys_ = std::make_unique<ApiKeys>(*host_.store());
    add_routes();
}

std::string RestApi::authenticate(const Request& request, Response& denied) {
    if (!options_.require_auth) return options_.user;
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

Response RestApi::handle(Request& request) {
    if (request.path != "/api/v1/health") {
        Response denied;
        request.user = authenticate(request, denied);
        if (request.user.empty()) return denied;
    }
    return router_.dispatch(request);
}

void RestApi::add_routes() {
    // Every handler's bad input becomes a 4xx here, in one place.
    auto guarded = [](auto fn) {
        return [fn](const Request& r, const Params& p) -> Response {
            try {
                return fn(r, p);
            } catch (const Response& early) {
                return early;
            } catch (const core::ValidationError& e) {
                return fault_of(e);
            } catch (const store::StoreError& e) {
                return Response::fault(503, std::string("the store cannot take it now: ") + e.what());
            }
        };
    };
    auto& r = router_;

    r.add("GET", "/api/v1/health", guarded([this](const Request&, const Params&) {
              Json body = Json::object();
              body["status"] = "ok";
              if (auto* store = host_.store()) {
                  auto h = store->health();
                  body["store"] = {{"ok", h.ok}, {"pending", h.pending}};
                  if (!h.ok) {
                      body["status"] = "degraded";
                      body["store"]["last_error"] = h.last_error;
                  }
              }
              body["packs"] = host_.catalog().loaded().size();
              body["executions_running"] = host_.scheduler().unfinished();
              return Response::json(200, body);
          }));

    r.add("GET", "/api/v1/packs", guarded([this](const Request&, const Params&) {
              Json out = Json::array();
              for (const auto& p : host_.catalog().loaded()) out.push_back(actions::pack_json(*p, host_.registry()));
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/actions", guarded([this](const Request& req, const Params&) {
              const std::string* pack = req.query_value("pack");
              Json out = Json::array();
              auto list = pack ? host_.registry().list(*pack) : host_.registry().list();
              for (const auto& a : list) out.push_back(a->to_json());
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/actions/{ref}", guarded([this](const Request&, const Params& p) {
              auto a = host_.registry().find(p.at("ref"));
              if (!a) throw core::NotFound("Action \"" + p.at("ref") + "\" cannot be found.");
              return Response::json(200, a->to_json());
          }));

    r.add("POST", "/api/v1/executions", guarded([this](const Request& req, const Params&) {
              Json body = json_body(req);
              auto action = body.find("action");
              if (action == body.end() || !action->is_string() || action->get_ref<const std::string&>().empty()) {
                  throw core::ValidationError("'action' must be an action's ref, e.g. \"core.local\"");
              }
              executions::Request request;
              request.action = *action;
              if (auto p = body.find("parameters"); p != body.end() && !p->is_null()) {
                  if (!p->is_object()) throw core::ValidationError("'parameters' must be an object");
                  request.parameters = *p;
              }
              if (!host_.registry().find(request.action)) {
                  throw core::NotFound("Action \"" + request.action + "\" cannot be found.");
              }
              request.context["user"] = req.user;
              request.durable = true;
              auto e = host_.control().start(std::move(request));
              return Response::json(201, e->to_json());
          }));

    r.add("GET", "/api/v1/executions", guarded([this](const Request& req, const Params&) {
              auto* store = host_.store();
              if (!store) return Response::json(200, Json::array());
              store::ExecutionFilter f;
              if (const auto* a = req.query_value("action")) f.action = *a;
              if (const auto* s = req.query_value("status")) {
                  auto st = core::parse_status(*s);
                  if (!st) throw core::ValidationError("query parameter 'status': unknown status '" + *s + "'");
                  f.status = *st;
              }
              if (const auto* p = req.query_value("parent")) f.parent = *p;
              size_t limit = number_param(req, "limit", 50, kMaxListLimit);
              size_t offset = number_param(req, "offset", 0, 100 * kMaxListLimit);
              f.limit = limit + offset;
              store->flush();  // what was accepted a moment ago is listed
              auto records = store->executions(f);
              Json out = Json::array();
              for (size_t i = offset; i < records.size(); ++i) out.push_back(executions::record_view(records[i]));
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/executions/{id}", guarded([this](const Request&, const Params& p) {
              auto rec = host_.control().record(p.at("id"));
              if (!rec) throw core::NotFound("execution '" + p.at("id") + "' does not exist");
              return Response::json(200, executions::record_view(*rec));
          }));

    r.add("DELETE", "/api/v1/executions/{id}", guarded([this](const Request&, const Params& p) {
              // Asked, not waited for: the answer shows where it stands.
              auto out = host_.control().cancel(p.at("id"), std::chrono::milliseconds(0));
              using Kind = executions::ControlService::Outcome::Kind;
              if (out.kind == Kind::already_finished && out.record.status != core::Status::canceled) {
                  return Response::fault(409, "execution " + out.record.id + " has already finished: " +
                                                  std::string(core::to_string(out.record.status)));
              }
              return Response::json(200, executions::record_view(out.record));
          }));

    r.add("POST", "/api/v1/executions/{id}/re_run", guarded([this](const Request& req, const Params& p) {
              Json body = json_body(req, true);
              auto request = host_.control().re_run_request(p.at("id"));
              if (auto o = body.find("parameters"); o != body.end() && !o->is_null()) {
                  if (!o->is_object()) throw core::ValidationError("'parameters' must be an object");
                  for (auto& [k, v] : o->items()) request.parameters[k] = v;
              }
              request.context["user"] = req.user;
              request.durable = true;
              auto e = host_.control().start(std::move(request));
              return Response::json(201, e->to_json());
          }));

    r.add("GET", "/api/v1/executions/{id}/output", guarded([this](const Request& req, const Params& p) {
              auto* store = host_.store();
              if (!host_.control().record(p.at("id")) || !store) {
                  throw core::NotFound("execution '" + p.at("id") + "' does not exist");
              }
              const std::string* type = req.query_value("output_type");
              if (type && *type != "stdout" && *type != "stderr") {
                  throw core::ValidationError("query parameter 'output_type' must be stdout or stderr");
              }
              store->flush();
              Response out;
              out.content_type = "text/plain; charset=utf-8";
              for (const auto& chunk : store->output(p.at("id"))) {
                  if (!type || chunk.stream == *type) out.body += chunk.data;
              }
              return out;
          }));
}

}  // namespace packhost::api

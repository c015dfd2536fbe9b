#include "api/routes.hpp"

#include <chrono>

#include "api/handler_support.hpp"
#include "core/status.hpp"
#include "executions/record_view.hpp"
#include "host.hpp"
#include "http/pending.hpp"
#include "store/store.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;

// More accepted and unfinished than the host takes: 429, before any work.
void refuse_when_full(Host& host, const RestOptions& options) {
    if (host.scheduler().unfinished() >= options.max_unfinished) {
        throw Response::fault(429, "Too many executions are waiting (" + std::to_string(options.max_unfinished) +
                                       " accepted and unfinished); try again later.");
    }
}

// 201 with the execution once its record is on disk. The I/O thread does
// not wait for the store's commit: many requests share one, while the
// thread goes on serving others.
Response start_once_recorded(Host& host, executions::Request request) {
    request.durable = true;
    auto pending = std::make_shared<http::Pending>();
    host.control().start(std::move(request),
                         [pending](const std::shared_ptr<executions::Execution>& e, std::exception_ptr error) {
                             pending->finish([e, error] {
                                 if (!error) return Response::json(201, e->to_json());
                                 std::string why = "unknown error";
                                 try {
                                     std::rethrow_exception(error);
                                 } catch (const std::exception& err) {
                                     why = err.what();
                                 }
                                 return Response::fault(503, "the store cannot take it now: " + why);
                             });
                         });
    return Response::later(std::move(pending));
}

}  // namespace

void add_execution_routes(http::Router& r, Host& host, const RestOptions& options) {
    r.add("POST", "/api/v1/executions", guarded([&host, &options](const Request& req, const Params&) {
              refuse_when_full(host, options);
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
              if (auto t = body.find("timeout"); t != body.end() && !t->is_null()) {
                  if (!t->is_number() || t->get<double>() < 0) {
                      throw core::ValidationError("'timeout' must be a number of seconds, 0 or more");
                  }
                  request.timeout_seconds = t->get<double>();
              }
              if (!host.registry().find(request.action)) {
                  throw core::NotFound("Action \"" + request.action + "\" cannot be found.");
              }
              request.context["user"] = req.user;
              return start_once_recorded(host, std::move(request));
          }));

    r.add("GET", "/api/v1/executions", guarded([&host](const Request& req, const Params&) {
              auto* store = host.store();
              if (!store) return Response::json(200, Json::array());
              store::ExecutionFilter f;
              if (const auto* a = req.query_value("action")) f.action = *a;
              if (const auto* s = req.query_value("status")) {
                  auto st = core::parse_status(*s);
                  if (!st) throw core::ValidationError("query parameter 'status': unknown status '" + *s + "'");
                  f.status = *st;
              }
              if (const auto* p = req.query_value("parent")) f.parent = *p;
              auto [limit, offset] = page_params(req);
              f.limit = limit + offset;
              store->flush();  // what was accepted a moment ago is listed
              auto records = store->executions(f);
              Json out = Json::array();
              for (size_t i = offset; i < records.size(); ++i) out.push_back(executions::record_view(records[i]));
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/executions/{id}", guarded([&host](const Request&, const Params& p) {
              auto rec = host.control().record(p.at("id"));
              if (!rec) throw core::NotFound("execution '" + p.at("id") + "' does not exist");
              return Response::json(200, executions::record_view(*rec));
          }));

    r.add("DELETE", "/api/v1/executions/{id}", guarded([&host](const Request&, const Params& p) {
              // Asked, not waited for: the answer shows where it stands.
              auto out = host.control().cancel(p.at("id"), std::chrono::milliseconds(0));
              using Kind = executions::ControlService::Outcome::Kind;
              if (out.kind == Kind::already_finished && out.record.status != core::Status::canceled) {
                  return Response::fault(409, "execution " + out.record.id + " has already finished: " +
                                                  std::string(core::to_string(out.record.status)));
              }
              return Response::json(200, executions::record_view(out.record));
          }));

    // StackStorm's pause and resume: PUT {"status": "pausing"|"resuming"}.
    // Asked, not waited for (pausing lasts until the running tasks end).
    r.add("PUT", "/api/v1/executions/{id}", guarded([&host](const Request& req, const Params& p) {
              Json body = json_body(req);
              auto status = body.find("status");
              std::string wanted = status != body.end() && status->is_string() ? status->get<std::string>() : "";
              executions::ControlService::Outcome out;
              if (wanted == "pausing") {
                  out = host.control().pause(p.at("id"), std::chrono::milliseconds(0));
              } else if (wanted == "resuming") {
                  out = host.control().resume(p.at("id"), std::chrono::milliseconds(0));
              } else {
                  throw core::ValidationError(
                      "'status' must be \"pausing\" or \"resuming\" (pause or resume a workflow)");
              }
              using Kind = executions::ControlService::Outcome::Kind;
              if (out.kind == Kind::already_finished) {
                  return Response::fault(409, "execution " + out.record.id + " has already finished: " +
                                                  std::string(core::to_string(out.record.status)));
              }
              return Response::json(200, executions::record_view(out.record));
          }));

    r.add("POST", "/api/v1/executions/{id}/re_run", guarded([&host, &options](const Request& req, const Params& p) {
              refuse_when_full(host, options);
              Json body = json_body(req, true);
              auto request = host.control().re_run_request(p.at("id"));
              if (auto o = body.find("parameters"); o != body.end() && !o->is_null()) {
                  if (!o->is_object()) throw core::ValidationError("'parameters' must be an object");
                  for (auto& [k, v] : o->items()) request.parameters[k] = v;
              }
              request.context["user"] = req.user;
              return start_once_recorded(host, std::move(request));
          }));

    r.add("GET", "/api/v1/executions/{id}/output", guarded([&host](const Request& req, const Params& p) {
              auto* store = host.store();
              if (!host.control().record(p.at("id")) || !store) {
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

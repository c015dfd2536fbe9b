// StackStorm's event stream (GET /stream/v1/stream) as server-sent events:
// `id:`, `event:` and `data:` lines per event, a reconnecting reader's
// Last-Event-ID honoured from the bus's ring, ?events= to choose types.
#include <set>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "events/event_bus.hpp"
#include "http/stream.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;

std::string sse_text(const events::Event& e) {
    const std::string& data = e.data();
    std::string out;
    out.reserve(data.size() + e.type.size() + 48);
    out += "id: ";
    out += std::to_string(e.id);
    out += "\nevent: ";
    out += e.type;
    out += "\ndata: ";
    out += data;  // compact JSON: one line
    out += "\n\n";
    return out;
}

uint64_t last_event_id(const Request& r) {
    std::string_view text = r.header("last-event-id");
    if (text.empty()) {
        if (const std::string* q = r.query_value("last_event_id")) text = *q;
    }
    if (text.empty()) return 0;
    uint64_t id = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || id > (UINT64_MAX - 9) / 10) {
            throw Response::fault(
                400, "Last-Event-ID must be an event id this stream gave, got '" + std::string(text) + "'");
        }
        id = id * 10 + static_cast<uint64_t>(c - '0');
    }
    return id;
}

}  // namespace

void add_stream_route(http::Router& r, const RestOptions& options) {
    r.add("GET", "/stream/v1/stream", guarded([&options](const Request& req, const Params&) {
              if (!options.events) return Response::fault(503, "this host publishes no events");
              auto wanted = std::make_shared<std::set<std::string, std::less<>>>();
              if (const std::string* q = req.query_value("events")) {
                  std::string_view list = *q;
                  while (!list.empty()) {
                      size_t comma = list.find(',');
                      auto name = list.substr(0, comma);
                      if (!name.empty()) wanted->emplace(name);
                      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
                  }
              }
              uint64_t after = last_event_id(req);
              auto stream = std::make_shared<http::Stream>(options.stream_max_buffered_bytes);
              stream->push(": packhost event stream\n\n");  // the reader sees it is connected
              auto* bus = options.events;
              uint64_t token = bus->subscribe(
                  [stream, wanted](const events::EventPtr& e) {
                      if (!wanted->empty() && !wanted->count(e->type)) return !stream->closed();
                      return stream->push(sse_text(*e));
                  },
                  after);
              stream->on_close([bus, token] { bus->unsubscribe(token); });
              Response out;
              out.content_type = "text/event-stream";
              out.headers.emplace_back("X-Accel-Buffering", "no");
              out.stream = std::move(stream);
              return out;
          }));
}

}  // namespace packhost::api

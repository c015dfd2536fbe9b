#include "api/handler_support.hpp"

#include <algorithm>
#include <charconv>

#include "core/json_text.hpp"

namespace packhost::api {

using http::Request;
using http::Response;

Json json_body(const Request& r, bool optional) {
    if (optional && r.body.empty()) return Json::object();
    auto type = r.header("content-type");
    if (http::media_type(type) != "application/json") {
        throw Response::fault(415, "The request body must be JSON (Content-Type: application/json), got " +
                                       (type.empty() ? std::string("no Content-Type") : std::string(type)));
    }
    Json body;
    try {
        body = core::parse_json(r.body, "the request body");
    } catch (const core::JsonTextError& e) {
        throw Response::fault(400, e.what());
    }
    if (!body.is_object()) throw Response::fault(400, "the request body must be a JSON object");
    return body;
}

size_t number_param(const Request& r, const char* name, size_t fallback, size_t most) {
    const std::string* v = r.query_value(name);
    if (!v) return fallback;
    size_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size()) {
        throw Response::fault(400,
                              std::string("query parameter '") + name + "' must be a whole number, got '" + *v + "'");
    }
    return std::min(n, most);
}

Page page_params(const Request& r) {
    constexpr size_t kMaxListLimit = 1000;
    return {number_param(r, "limit", 50, kMaxListLimit), number_param(r, "offset", 0, 100 * kMaxListLimit)};
}

bool flag_param(const Request& r, const char* name) {
    const std::string* v = r.query_value(name);
    if (!v) return false;
    if (*v == "true" || *v == "True" || *v == "1" || v->empty()) return true;
    if (*v == "false" || *v == "False" || *v == "0") return false;
    throw Response::fault(400, std::string("query parameter '") + name + "' must be true or false, got '" + *v + "'");
}

Response fault_of(const core::ValidationError& e) {
    int status = dynamic_cast<const core::NotFound*>(&e) ? 404 : 400;
    if (e.problems().size() <= 1) return Response::fault(status, e.what());
    Json body = Json::object();
    body["faultstring"] = e.what();
    body["problems"] = e.problems();
    return Response::json(status, body);
}

}  // namespace packhost::api

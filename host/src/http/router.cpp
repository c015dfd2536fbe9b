#include "http/router.hpp"

#include <algorithm>

namespace packhost::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string::npos) slash = path.size();
        if (slash > at) out.push_back(path.substr(at, slash - at));
        at = slash + 1;
    }
    return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, RouteHandler handler) {
    auto segments = split_path(pattern);
    entries_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

bool Router::match(const Entry& e, const std::vector<std::string>& path, Params& params) {
    if (e.segments.size() != path.size()) return false;
    Params found;
    for (size_t i = 0; i < path.size(); ++i) {
        const auto& s = e.segments[i];
        if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
            found[s.substr(1, s.size() - 2)] = path[i];
        } else if (s != path[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

Response Router::dispatch(const Request& request, std::string* route) const {
    auto path = split_path(request.path);
    std::vector<std::string> allowed;
    for (const auto& e : entries_) {
        Params params;
        if (!match(e, path, params)) continue;
        if (e.method == request.method || (request.method == "HEAD" && e.method == "GET")) {
            if (route) *route = e.pattern;
            return e.handler(request, params);
        }
        if (std::find(allowed.begin(), allowed.end(), e.method) == allowed.end()) allowed.push_back(e.method);
    }
    if (allowed.empty()) return Response::fault(404, "The resource " + request.path + " does not exist");
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    auto r = Response::fault(
        405, "Method " + request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    return r;
}

std::vector<Router::Route> Router::routes() const {
    std::vector<Route> out;
    for (const auto& e : entries_) out.push_back({e.method, e.pattern});
    return out;
}

}  // namespace packhost::http

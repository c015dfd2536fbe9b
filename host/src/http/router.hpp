#pragma once
// Routes by method and path pattern ("/api/v1/executions/{id}/output");
// a path some route matches with another method is 405 with `Allow`, one
// no route matches is 404. The routes can be listed (the OpenAPI document
// is checked against them).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace packhost::http {

using Params = std::map<std::string, std::string>;
using RouteHandler = std::function<Response(const Request&, const Params&)>;

class Router {
public:
    void add(std::string method, std::string pattern, RouteHandler handler);
    // `route`, when given, is set to the pattern that matched (empty when
    // none did): what metrics count by.
    Response dispatch(const Request& request, std::string* route = nullptr) const;

    struct Route {
        std::string method;
        std::string pattern;
    };
    std::vector<Route> routes() const;

private:
    struct Entry {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" matches any one segment
        RouteHandler handler;
    };
    static bool match(const Entry& e, const std::vector<std::string>& path, Params& params);
    std::vector<Entry> entries_;
};

}  // namespace packhost::http

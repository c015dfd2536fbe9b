#pragma once
// One HTTP request and its response as the handlers see them: plain values,
// no Beast types, so that the REST API (and later chat and webhooks) never
// include the network library's headers.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::http {

struct Request {
    std::string method;                                        // "GET", "POST", ...
    std::string path;                                          // percent-decoded, without the query
    std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote;  // "address:port" of the peer
    std::string user;    // whom it acts as, once authenticated

    // The header's value, or empty (names are matched without case).
    std::string_view header(std::string_view name) const;
    // The query parameter's first value, if given.
    const std::string* query_value(std::string_view name) const;
};

class Stream;
class Pending;

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // When set, the body is this stream (http/stream.hpp), written as it
    // comes until it closes; the connection then closes too.
    std::shared_ptr<Stream> stream;
    // When set, the response is what `pending` is finished with later
    // (http/pending.hpp); the rest of this one is not used.
    std::shared_ptr<Pending> pending;

    static Response json(int status, const Json& body);
    static Response later(std::shared_ptr<Pending> pending);
    // StackStorm's error body: {"faultstring": message}.
    static Response fault(int status, const std::string& message);
};

// "%41b+c" -> "Ab c" when `plus_is_space` (query strings); a malformed
// escape is kept as written.
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=two+words" (a query string, a form body) as decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text);

// "application/json; charset=utf-8" -> "application/json".
std::string_view media_type(std::string_view content_type);

}  // namespace packhost::http

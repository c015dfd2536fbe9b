#pragma once
// What every REST handler needs to read a request and to answer bad input
// with the right 4xx: one place, so that each route file holds routes only.
#include <string>

#include "core/errors.hpp"
#include "core/json_value.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace packhost::api {

// The body as a JSON object: 415 when it is not JSON, 400 when it does not
// parse or is not an object (thrown as an http::Response). `optional`: an
// empty body reads as {}.
Json json_body(const http::Request& r, bool optional = false);

// ?name=N as a whole number, at most `most`; 400 otherwise.
size_t number_param(const http::Request& r, const char* name, size_t fallback, size_t most);

// ?limit= (default 50, at most 1,000) and ?offset= of a listing.
struct Page {
    size_t limit = 50;
    size_t offset = 0;
};
Page page_params(const http::Request& r);

// ?name=true|false|1|0 (absent: false); 400 otherwise.
bool flag_param(const http::Request& r, const char* name);

http::Response fault_of(const core::ValidationError& e);

// A handler whose bad input (a thrown Response, ValidationError, NotFound)
// and a store that cannot write become 4xx/503 here, in one place.
template <typename Fn>
http::RouteHandler guarded(Fn fn) {
    return [fn](const http::Request& r, const http::Params& p) -> http::Response {
        try {
            return fn(r, p);
        } catch (const http::Response& early) {
            return early;
        } catch (const core::ValidationError& e) {
            return fault_of(e);
        } catch (const store::StoreError& e) {
            return http::Response::fault(503, std::string("the store cannot take it now: ") + e.what());
        }
    };
}

}  // namespace packhost::api

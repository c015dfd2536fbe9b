#pragma once
#include <memory>

#include "actions/action.hpp"

namespace packhost::actions {

// StackStorm's http-request runner on libcurl: result {status_code, body,
// parsed, headers}; succeeded for a status below 400.
std::shared_ptr<const Runner> make_http_request();

}  // namespace packhost::actions

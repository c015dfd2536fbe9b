#pragma once
// The REST API described as an OpenAPI 3 document, served at
// /api/v1/openapi.json. A test checks it against the router's routes, so the
// two cannot drift apart.
#include <string_view>

namespace packhost::api {

// The document as JSON text.
std::string_view openapi_document();

}  // namespace packhost::api

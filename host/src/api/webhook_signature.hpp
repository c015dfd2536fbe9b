#pragma once
// A webhook's proof of origin as GitHub sends it: `X-Hub-Signature-256:
// sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`.
#include <string>
#include <string_view>

namespace packhost::api {

// Compared in constant time; false for a missing or malformed header.
bool signature_valid(std::string_view header, std::string_view secret, std::string_view body);

// The header's value for `body` (tests, and senders written against us).
std::string sign_body(std::string_view secret, std::string_view body);

}  // namespace packhost::api

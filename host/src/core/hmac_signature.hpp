#pragma once
// HMAC-SHA256 signatures as webhooks carry them: a prefix and the hex digest
// of a message under a shared secret ("sha256=<hex>" of the body for
// GitHub, "v0=<hex>" of "v0:<timestamp>:<body>" for Slack), checked in
// constant time (libsodium).
#include <string>
#include <string_view>

namespace packhost::core {

// "<prefix><hex HMAC-SHA256 of message>".
std::string hmac_sha256_signature(std::string_view prefix, std::string_view secret, std::string_view message);

// False for a missing, malformed or wrong signature (the hex must be lower
// case, as sent); compared in constant time.
bool hmac_sha256_signature_valid(std::string_view signature, std::string_view prefix, std::string_view secret,
                                 std::string_view message);

}  // namespace packhost::core

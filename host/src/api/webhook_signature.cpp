#include "api/webhook_signature.hpp"

#include "core/hmac_signature.hpp"

namespace packhost::api {

bool signature_valid(std::string_view header, std::string_view secret, std::string_view body) {
    return core::hmac_sha256_signature_valid(header, "sha256=", secret, body);
}

std::string sign_body(std::string_view secret, std::string_view body) {
    return core::hmac_sha256_signature("sha256=", secret, body);
}

}  // namespace packhost::api

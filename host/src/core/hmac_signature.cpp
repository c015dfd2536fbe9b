#include "core/hmac_signature.hpp"

#include <sodium.h>

#include <array>

namespace packhost::core {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac mac_of(std::string_view secret, std::string_view message) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    Mac mac{};
    crypto_auth_hmacsha256_final(&state, mac.data());
    return mac;
}

}  // namespace

std::string hmac_sha256_signature(std::string_view prefix, std::string_view secret, std::string_view message) {
    Mac mac = mac_of(secret, message);
    std::string hex(2 * mac.size() + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
    hex.pop_back();
    return std::string(prefix) + hex;
}

// As the senders' own libraries check it: the header against the
// lower-case hex they send, byte for byte, in constant time.
bool hmac_sha256_signature_valid(std::string_view signature, std::string_view prefix, std::string_view secret,
                                 std::string_view message) {
    std::string expected = hmac_sha256_signature(prefix, secret, message);
    if (signature.size() != expected.size()) return false;
    return sodium_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

}  // namespace packhost::core

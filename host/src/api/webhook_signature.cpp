#include "api/webhook_signature.hpp"

#include <sodium.h>

#include <array>

namespace packhost::api {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac mac_of(std::string_view secret, std::string_view body) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    Mac mac{};
    crypto_auth_hmacsha256_final(&state, mac.data());
    return mac;
}

}  // namespace

bool signature_valid(std::string_view header, std::string_view secret, std::string_view body) {
    constexpr std::string_view kPrefix = "sha256=";
    if (header.substr(0, kPrefix.size()) != kPrefix) return false;
    std::string_view hex = header.substr(kPrefix.size());
    Mac given{};
    size_t length = 0;
    if (hex.size() != 2 * given.size() ||
        sodium_hex2bin(given.data(), given.size(), hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
        length != given.size()) {
        return false;
    }
    Mac expected = mac_of(secret, body);
    return sodium_memcmp(given.data(), expected.data(), given.size()) == 0;
}

std::string sign_body(std::string_view secret, std::string_view body) {
    Mac mac = mac_of(secret, body);
    std::string hex(2 * mac.size() + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
    hex.pop_back();
    return "sha256=" + hex;
}

}  // namespace packhost::api

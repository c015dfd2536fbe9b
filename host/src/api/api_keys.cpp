#include "api/api_keys.hpp"

#include <sodium.h>

#include <cctype>

#include <stdexcept>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace packhost::api {
namespace {

std::string hex(const unsigned char* bytes, size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, n);
    out.pop_back();
    return out;
}

}  // namespace

std::string ApiKeys::hash(std::string_view key) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    return hex(digest, sizeof digest);
}

NewApiKey ApiKeys::create(const std::string& name, const std::string& user) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    NewApiKey out;
    out.key = hex(secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    out.record.id = core::new_id();
    out.record.name = name.empty() ? "key-" + out.record.id : name;
    out.record.user = user;
    out.record.key_hash = hash(out.key);
    out.record.created_us = core::now_us();
    store_.api_key_add(out.record);
    return out;
}

std::optional<store::ApiKeyRecord> ApiKeys::verify(std::string_view key) {
    // Well-formed keys only: 64 hex digits. Anything else is not looked up.
    if (key.size() != 64) return std::nullopt;
    for (char c : key) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    return store_.api_key_by_hash(hash(key));
}

}  // namespace packhost::api

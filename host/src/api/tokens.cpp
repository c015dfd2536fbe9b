#include "api/tokens.hpp"

#include <sodium.h>

#include <charconv>

#include "core/clock.hpp"
#include "core/errors.hpp"

namespace packhost::api {
namespace {

constexpr std::string_view kPurpose = "apitoken";

std::string base64url(std::string_view text) {
    std::string out(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.pop_back();  // the terminating NUL
    return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
    std::string out(text.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        return std::nullopt;
    }
    out.resize(length);
    return out;
}

}  // namespace

IssuedToken Tokens::issue(const std::string& user, std::chrono::seconds ttl) const {
    if (ttl.count() < 1 || ttl > kMaxTtl) {
        throw core::ValidationError("ttl must be between 1 and " + std::to_string(kMaxTtl.count()) + " seconds");
    }
    IssuedToken t;
    t.user = user;
    int64_t expiry_s = core::now_us() / 1000000 + ttl.count();
    t.expiry_us = expiry_s * 1000000;
    std::string body = base64url(user) + "." + std::to_string(expiry_s);
    t.token = body + "." + key_.tag(kPurpose, body);
    return t;
}

std::optional<std::string> Tokens::verify(std::string_view token) const {
    size_t last = token.rfind('.');
    if (last == std::string_view::npos || token.size() > 1024) return std::nullopt;
    std::string_view body = token.substr(0, last);
    std::string expected = key_.tag(kPurpose, body);
    std::string_view given = token.substr(last + 1);
    if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), given.size()) != 0) {
        return std::nullopt;
    }
    size_t dot = body.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    int64_t expiry_s = 0;
    std::string_view expiry = body.substr(dot + 1);
    auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expiry_s);
    if (ec != std::errc() || end != expiry.data() + expiry.size()) return std::nullopt;
    if (expiry_s * 1000000 <= core::now_us()) return std::nullopt;
    return from_base64url(body.substr(0, dot));
}

}  // namespace packhost::api

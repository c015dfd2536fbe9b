#pragma once
// StackStorm's auth tokens (`X-Auth-Token`): short-lived, issued to whoever
// shows an API key. A token is signed rather than stored: "user.expiry.tag",
// the tag a keyed hash only this host's key makes, so checking one costs a
// hash and no store read, and tokens stay valid across restarts until they
// expire. Deleting the API key does not end the tokens it got (as in
// StackStorm, where tokens and keys are separate); they expire.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/secret_box.hpp"

namespace packhost::api {

struct IssuedToken {
    std::string token;
    std::string user;
    int64_t expiry_us = 0;
};

class Tokens {
public:
    static constexpr std::chrono::seconds kDefaultTtl{3600};
    static constexpr std::chrono::seconds kMaxTtl{86400};

    explicit Tokens(const core::SecretBox& key) : key_(key) {}

    // Throws core::ValidationError for a ttl outside 1 s .. kMaxTtl.
    IssuedToken issue(const std::string& user, std::chrono::seconds ttl = kDefaultTtl) const;
    // The user a live token of this host stands for.
    std::optional<std::string> verify(std::string_view token) const;

private:
    const core::SecretBox& key_;
};

}  // namespace packhost::api

#pragma once
// Encryption at rest for secrets (datastore values, secret parameters kept
// for re-runs): libsodium's crypto_secretbox with a key file created on first
// use with mode 0600.
#include <array>
#include <filesystem>
#include <string>
#include <string_view>

namespace packhost::core {

class SecretBox {
public:
    static constexpr size_t kKeyBytes = 32;

    // Reads the key, creating it (0600, missing folders 0700) when missing;
    // warns when an existing key is readable by other users. Throws
    // std::runtime_error naming the file when it is unreadable or not a key.
    static SecretBox open(const std::filesystem::path& key_file);

    // base64(nonce || MAC || ciphertext); a new random nonce every call.
    std::string seal(std::string_view plaintext) const;
    // Throws std::runtime_error when the text was not sealed with this key.
    std::string unseal(std::string_view sealed) const;

    // A keyed hash of `message` (hex) under a key derived from this one for
    // `purpose` (8 characters, e.g. "apitoken"): what the host signs, it
    // alone can sign, and one purpose's tag is never another's.
    std::string tag(std::string_view purpose, std::string_view message) const;

private:
    std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace packhost::core

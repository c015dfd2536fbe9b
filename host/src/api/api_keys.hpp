#pragma once
// API keys (StackStorm's `St2-Api-Key` header): made with a name and the user
// requests act as, shown once, stored only as a hash. A request's key is
// found by its hash, so that the store never holds a usable secret.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace packhost::api {

struct NewApiKey {
    store::ApiKeyRecord record;
    std::string key;  // the only time it exists in the clear
};

class ApiKeys {
public:
    explicit ApiKeys(store::Store& store) : store_(store) {}

    NewApiKey create(const std::string& name, const std::string& user);
    // The key's record when `key` is a live API key.
    std::optional<store::ApiKeyRecord> verify(std::string_view key);
    std::vector<store::ApiKeyRecord> list() { return store_.api_keys(); }
    bool remove(const std::string& id_or_name) { return store_.api_key_delete(id_or_name); }

    // Hex SHA-256 of a key.
    static std::string hash(std::string_view key);

private:
    store::Store& store_;
};

}  // namespace packhost::api

#pragma once
// StackStorm's datastore: keys in a `system` scope or per user, optional
// expiry, secret values encrypted at rest. One instance serves the CLI, the
// ABI's datastore services and templates (st2kv.system.KEY).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/secret_box.hpp"
#include "expr/value.hpp"
#include "store/store.hpp"

namespace packhost::store {

class Datastore {
public:
    Datastore(Store& store, const core::SecretBox& secrets) : store_(store), secrets_(secrets) {}

    struct Options {
        std::string scope = "system";  // or "user"
        std::string user;              // the owner when scope is "user"
        bool secret = false;           // set: encrypt; get/list: decrypt
    };

    // Throws core::ValidationError for a bad scope or name.
    void set(const std::string& name, const std::string& value, std::chrono::seconds ttl, const Options& opt);
    // A secret's value is its ciphertext unless opt.secret asks to decrypt.
    std::optional<KeyValue> get(const std::string& name, const Options& opt);
    bool remove(const std::string& name, const Options& opt);
    std::vector<KeyValue> list(const std::string& prefix, const Options& opt);

    std::string decrypt(const std::string& sealed) const { return secrets_.unseal(sealed); }

    // Told after each set or remove made through this datastore: the key as
    // it was (nullopt: it is new) and as it is now (nullopt: deleted); a
    // secret's value stays encrypted. Set once, before use (packhost serve's
    // core.st2.key_value_pair.* triggers); its `wanted` says whether to
    // look up the old value at all.
    struct ChangeWatch {
        std::function<bool()> wanted;
        std::function<void(const std::optional<KeyValue>& before, const std::optional<KeyValue>& after)> changed;
    };
    void watch(ChangeWatch watch) { watch_ = std::move(watch); }

    // `st2kv` for templates: st2kv.system.NAME and st2kv.user.NAME (for
    // `user`), each the stored text; a secret stays encrypted until
    // `| decrypt_kv`.
    std::shared_ptr<const expr::Object> template_object(const std::string& user);

private:
    Store& store_;
    const core::SecretBox& secrets_;
    ChangeWatch watch_;
};

}  // namespace packhost::store

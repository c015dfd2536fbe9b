#include "store/datastore.hpp"

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "expr/secret_text.hpp"

namespace packhost::store {
namespace {

void check(const std::string& name, const Datastore::Options& opt) {
    if (opt.scope != "system" && opt.scope != "user") {
        throw core::ValidationError("scope must be 'system' or 'user', got '" + opt.scope + "'");
    }
    if (name.empty()) throw core::ValidationError("a key needs a name");
    if (name.size() > 512) throw core::ValidationError("key name longer than 512 characters");
}

std::string owner(const Datastore::Options& opt) { return opt.scope == "user" ? opt.user : ""; }

// A secret value inside a template: prints as its ciphertext; decrypt_kv
// opens it.
class StoredSecret final : public expr::SecretText {
public:
    StoredSecret(Datastore& ds, std::string sealed) : ds_(ds), sealed_(std::move(sealed)) {}
    std::string decrypt() const override { return ds_.decrypt(sealed_); }
    Json to_json() const override { return sealed_; }

private:
    Datastore& ds_;
    std::string sealed_;
};

class ScopeObject final : public expr::Object {
public:
    ScopeObject(Datastore& ds, Datastore::Options opt) : ds_(ds), opt_(std::move(opt)) {}
    std::string type_name() const override { return "st2kv." + opt_.scope; }
    std::optional<expr::Value> attribute(std::string_view name) const override {
        auto kv = ds_.get(std::string(name), opt_);
        if (!kv) return expr::Value::undefined("'st2kv." + opt_.scope + "' has no key '" + std::string(name) + "'");
        if (kv->secret) return expr::Value::object(std::make_shared<StoredSecret>(ds_, kv->value));
        return expr::Value(Json(kv->value));
    }

private:
    Datastore& ds_;
    Datastore::Options opt_;
};

class St2kvObject final : public expr::Object {
public:
    St2kvObject(Datastore& ds, std::string user) : ds_(ds), user_(std::move(user)) {}
    std::string type_name() const override { return "st2kv"; }
    std::optional<expr::Value> attribute(std::string_view name) const override {
        if (name == "system")
            return expr::Value::object(std::make_shared<ScopeObject>(ds_, Datastore::Options{"system", "", false}));
        if (name == "user")
            return expr::Value::object(std::make_shared<ScopeObject>(ds_, Datastore::Options{"user", user_, false}));
        return std::nullopt;
    }

private:
    Datastore& ds_;
    std::string user_;
};

}  // namespace

void Datastore::set(const std::string& name, const std::string& value, std::chrono::seconds ttl, const Options& opt) {
    check(name, opt);
    if (ttl.count() < 0) throw core::ValidationError("ttl must not be negative");
    KeyValue kv;
    kv.scope = opt.scope;
    kv.user = owner(opt);
    kv.name = name;
    kv.secret = opt.secret;
    kv.value = opt.secret ? secrets_.seal(value) : value;
    kv.updated_us = core::now_us();
    kv.expire_us = ttl.count() > 0 ? kv.updated_us + ttl.count() * 1000000 : 0;
    bool watched = watch_.wanted && watch_.wanted();
    std::optional<KeyValue> before = watched ? store_.kv_get(kv.scope, kv.user, name) : std::nullopt;
    store_.kv_set(kv);
    if (watched) watch_.changed(before, kv);
}

std::optional<KeyValue> Datastore::get(const std::string& name, const Options& opt) {
    check(name, opt);
    auto kv = store_.kv_get(opt.scope, owner(opt), name);
    if (kv && kv->secret && opt.secret) kv->value = secrets_.unseal(kv->value);
    return kv;
}

bool Datastore::remove(const std::string& name, const Options& opt) {
    check(name, opt);
    bool watched = watch_.wanted && watch_.wanted();
    std::optional<KeyValue> before = watched ? store_.kv_get(opt.scope, owner(opt), name) : std::nullopt;
    bool removed = store_.kv_delete(opt.scope, owner(opt), name);
    if (watched && removed && before) watch_.changed(before, std::nullopt);
    return removed;
}

std::vector<KeyValue> Datastore::list(const std::string& prefix, const Options& opt) {
    check("x", opt);
    auto all = store_.kv_list(opt.scope, owner(opt), prefix);
    if (opt.secret) {
        for (auto& kv : all) {
            if (kv.secret) kv.value = secrets_.unseal(kv.value);
        }
    }
    return all;
}

std::shared_ptr<const expr::Object> Datastore::template_object(const std::string& user) {
    return std::make_shared<St2kvObject>(*this, user);
}

}  // namespace packhost::store

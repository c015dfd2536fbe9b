#include "store/key_value_view.hpp"

#include "core/clock.hpp"

namespace packhost::store {

Json key_value_view(const KeyValue& kv) {
    Json j = Json::object();
    j["name"] = kv.name;
    j["value"] = kv.value;
    j["secret"] = kv.secret;
    j["encrypted"] = kv.secret;
    j["scope"] = kv.scope;
    if (!kv.user.empty()) j["user"] = kv.user;
    j["expire_timestamp"] = kv.expire_us ? Json(core::iso8601(kv.expire_us)) : Json(nullptr);
    j["updated_at"] = core::iso8601(kv.updated_us);
    return j;
}

}  // namespace packhost::store

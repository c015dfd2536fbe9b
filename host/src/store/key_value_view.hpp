#pragma once
// A datastore entry as StackStorm shows it (KeyValuePairAPI's fields): one
// shape for `key get --json` and GET /api/v1/keys.
#include "core/json_value.hpp"
#include "store/store.hpp"

namespace packhost::store {

Json key_value_view(const KeyValue& kv);

}  // namespace packhost::store

#pragma once
// The host's one JSON value type: insertion-ordered, as StackStorm's Python
// dicts are, so a workflow's output, a result and a record print in the
// order they were declared and built, and no value is copied from one JSON
// type into another on its way through the host. Packs keep their own copy
// of nlohmann/json: only text crosses the ABI.
#include <nlohmann/json.hpp>

#include <memory>

namespace packhost {

using Json = nlohmann::ordered_json;

// A value that several owners keep and none changes, shared instead of
// copied: a trigger instance's payload goes to the store, the event stream
// and the rules engine.
using SharedJson = std::shared_ptr<const Json>;
inline SharedJson share(Json j) { return std::make_shared<const Json>(std::move(j)); }

}  // namespace packhost

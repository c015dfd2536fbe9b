#pragma once
// JSONPath queries as StackStorm's jsonpath_query filter runs them
// (python-jsonpath-rw): `$.a.b`, `a[0]`, `a[*].b`, `a[1:3]`, `$..name`,
// `a.*`, `['key with spaces']`.
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::expr {

// Every value `query` finds in `value`, in document order. Throws
// std::invalid_argument for a query that does not parse.
std::vector<Json> jsonpath_find(const Json& value, const std::string& query);

}  // namespace packhost::expr

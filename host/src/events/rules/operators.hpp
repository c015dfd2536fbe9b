#pragma once
// StackStorm's rule criteria operators (st2common/operators.py), long and
// short names, with Python's semantics over JSON values. As in StackStorm,
// an operator that Python would make raise (a number where a string is
// wanted, unorderable values, a date that does not parse) is false, not an
// error; a null pattern makes every operator but nequals, exists and
// nexists false.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::events::rules {

// `value` (what the criterion's key found; null when nothing) against
// `pattern` (the rendered pattern). `now_us` is the current time for
// timediff_lt/timediff_gt.
using Operator = bool (*)(const Json& value, const Json& pattern, int64_t now_us);

// The operator named `name` (case does not matter, as in StackStorm), or
// nullptr. `search` is not here: it runs child criteria (events/rules/criteria).
Operator find_operator(std::string_view name);

// Every name StackStorm accepts, search included, for error messages.
const std::vector<std::string>& operator_names();

// fnmatch.translate(): a shell wildcard (*, ?, [seq], [!seq]) as a regular
// expression matching the whole text.
std::string wildcard_to_regex(std::string_view wildcard);

// A date as StackStorm's date_utils.parse reads one (ISO 8601 forms: date,
// "T" or space, fractions, Z or ±hh[:mm]; no zone means UTC) in µs since the
// epoch; false when it does not parse.
bool parse_date_us(std::string_view text, int64_t& out_us);

}  // namespace packhost::events::rules

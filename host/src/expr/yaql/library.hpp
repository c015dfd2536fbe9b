#pragma once
// YAQL's standard library, one file per part as YAQL groups it: queries
// (select, where, orderBy...), collections (dict, keys, sets...), strings
// (and regular expressions), values (types, numbers, branching).
#include <string_view>
#include <vector>

#include "expr/builtin_helpers.hpp"
#include "expr/yaql/interpreter.hpp"

namespace packhost::expr::yaql::lib {

struct Entry {
    std::string_view name;
    Function fn;
    bool method_only = false;
};
using Table = std::vector<Entry>;

void add_queries(Table& t);
void add_collections(Table& t);
void add_strings(Table& t);
void add_values(Table& t);

// A number, not a boolean (JSON's true is no number to YAQL's arithmetic).
inline bool numeric(const Json& j) { return j.is_number() && !j.is_boolean(); }

// Argument helpers: the value at i as a given type, else no_match().
inline const Json& json_at(Args& a, size_t i) { return a.at(i).to_json(); }
inline std::string string_at(Args& a, size_t i) {
    const Json& j = json_at(a, i);
    if (!j.is_string()) a.no_match();
    return j.get<std::string>();
}
inline int64_t int_at(Args& a, size_t i) {
    const Json& j = json_at(a, i);
    if (!(j.is_number_integer() || j.is_number_unsigned()) || j.is_boolean()) a.no_match();
    return as_int(j);
}
// A new list of `n` items is about to be built: charge for it.
inline void charge_items(size_t n) {
    Budget::charge_steps(n);
    Budget::charge_bytes(n * Budget::kElementBytes);
}
// Values to a JSON list (each copied: the values may borrow from temporaries).
inline Json to_list(const std::vector<Value>& vs) {
    charge_items(vs.size());
    Json out = Json::array();
    for (const auto& v : vs) {
        check_nestable(v.to_json());
        out.push_back(v.to_json());
    }
    return out;
}

}  // namespace packhost::expr::yaql::lib

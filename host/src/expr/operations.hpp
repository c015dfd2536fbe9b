#pragma once
// Python's semantics for the operations templates perform, over Values:
// what jinja2 inherits from Python (int vs float, str * int, list + list,
// floor division and modulo signs, chained comparison rules, `in`).
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.hpp"

namespace packhost::expr {

Value binary_op(const std::string& op, const Value& a, const Value& b);
Value negate(const Value& v);
Value positive(const Value& v);

bool py_equal(const Json& a, const Json& b);
bool py_equal(const Value& a, const Value& b);
// a < b, with Python's TypeError for unorderable pairs.
bool py_less(const Json& a, const Json& b);
bool py_contains(const Value& container, const Value& item);

// The items a `for` loop (or a filter) walks: list elements, dict keys,
// string characters; nothing for undefined. Throws for numbers and the like.
std::vector<Value> iterate(const Value& v);
// len(): strings count characters.
size_t py_length(const Value& v);

// `obj.name` and `obj[key]`, as jinja2's environment resolves them.
Value get_attribute(const Value& obj, const std::string& name);
Value get_item(const Value& obj, const Value& key);
Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step);

// Numbers for filters: throws EvalError naming `what` when not a number.
bool is_number(const Json& j);
double as_double(const Json& j);
int64_t as_int(const Json& j);

// UTF-8 code points of a string (for slicing, reversing), and how many
// there are (len()) without building them.
std::vector<std::string> code_points(const std::string& s);
size_t code_point_count(std::string_view s);

// A value about to be put `levels` deep inside new lists or dicts: refused
// (EvalError) when that would nest past core::kMaxJsonDepth, the host's
// one limit.
void check_nestable(const Json& child, size_t levels = 1);

// Python's printf-style `fmt % args`.
std::string percent_format(const std::string& fmt, const Value& args);

// Python's json.dumps: ", " and ": " separators (or compact/indented),
// optional sorted keys, non-ASCII kept as \uXXXX escapes.
std::string python_json_dumps(const Json& j, int indent = -1, bool sort_keys = false, const char* item_sep = nullptr,
                              const char* key_sep = nullptr, bool ensure_ascii = true);

}  // namespace packhost::expr

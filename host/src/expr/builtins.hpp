#pragma once
// The filters (`x | upper`), tests (`x is defined`) and methods
// (`x.upper()`) templates can use: jinja2's built-ins and StackStorm's.
#include <optional>
#include <string_view>

#include "expr/call_args.hpp"
#include "expr/value.hpp"

namespace packhost::expr {

class Evaluator;

struct FilterFn {
    Value (*fn)(Evaluator& ev, const Value& input, CallArgs& args);
};
struct TestFn {
    bool (*fn)(Evaluator& ev, const Value& input, CallArgs& args);
};

const FilterFn* find_filter(std::string_view name);
// StackStorm's functions (json_parse, regex_match, version_compare...):
// filters that Orquesta also lets workflows call as functions,
// `json_parse(x)` being `x | json_parse`.
bool is_st2_function(std::string_view name);
const TestFn* find_test(std::string_view name);

// A method of a str, dict or list value (`s.upper()`, `d.items()`);
// nullopt when the value has no such method.
std::optional<Value> call_method(const Value& self, std::string_view name, CallArgs& args);
bool has_method(const Value& self, std::string_view name);

}  // namespace packhost::expr

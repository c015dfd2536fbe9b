// jinja2's tests (`x is defined`, `n is divisibleby 3`).
#include "core/unicode.hpp"
#include "expr/builtin_helpers.hpp"
#include "expr/builtins.hpp"

namespace packhost::expr {
namespace {

using namespace builtin;

const Json& j(const Value& v) { return v.to_json(); }
const Value& need(const CallArgs& a, const char* test) {
    if (a.positional.empty() && a.named.empty()) throw EvalError(std::string("test '") + test + "' needs an argument");
    return a.positional.empty() ? a.named[0].second : a.positional[0];
}

bool t_defined(Evaluator&, const Value& v, CallArgs&) { return !v.is_undefined(); }
bool t_undefined(Evaluator&, const Value& v, CallArgs&) { return v.is_undefined(); }
bool t_none(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_null(); }
// Python counts bool as a number, and jinja2's `number` test follows.
bool t_number(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && is_number(j(v)); }
bool t_integer(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_number_integer(); }
bool t_float(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_number_float(); }
bool t_boolean(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_boolean(); }
bool t_string(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_string(); }
bool t_mapping(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_object(); }
bool t_sequence(Evaluator&, const Value& v, CallArgs&) {
    return v.is_json() && (j(v).is_string() || j(v).is_array() || j(v).is_object());
}
bool t_iterable(Evaluator& ev, const Value& v, CallArgs& a) { return t_sequence(ev, v, a); }
bool t_true(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_boolean() && j(v).get<bool>(); }
bool t_false(Evaluator&, const Value& v, CallArgs&) { return v.is_json() && j(v).is_boolean() && !j(v).get<bool>(); }
bool t_callable(Evaluator&, const Value& v, CallArgs&) { return v.is_object() && v.obj()->callable(); }

int64_t integer_of(const Value& v, const char* test) {
    if (v.is_undefined()) throw EvalError(v.hint());
    if (!is_number(j(v)))
        throw EvalError(std::string("test '") + test + "' needs a number, got '" + python_type(j(v)) + "'");
    if (!j(v).is_number_float()) return as_int(j(v));
    double d = j(v).get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18)
        throw EvalError(std::string("test '") + test + "' needs a finite number");
    return static_cast<int64_t>(d);
}
bool t_even(Evaluator&, const Value& v, CallArgs&) { return integer_of(v, "even") % 2 == 0; }
bool t_odd(Evaluator&, const Value& v, CallArgs&) { return integer_of(v, "odd") % 2 != 0; }
bool t_divisibleby(Evaluator&, const Value& v, CallArgs& a) {
    int64_t d = integer_of(need(a, "divisibleby"), "divisibleby");
    if (d == 0) throw EvalError("integer division or modulo by zero");
    return integer_of(v, "divisibleby") % d == 0;
}

bool t_eq(Evaluator&, const Value& v, CallArgs& a) { return py_equal(v, need(a, "eq")); }
bool t_ne(Evaluator&, const Value& v, CallArgs& a) { return !py_equal(v, need(a, "ne")); }
bool t_lt(Evaluator&, const Value& v, CallArgs& a) { return py_less(j(v), j(need(a, "lt"))); }
bool t_le(Evaluator&, const Value& v, CallArgs& a) { return !py_less(j(need(a, "le")), j(v)); }
bool t_gt(Evaluator&, const Value& v, CallArgs& a) { return py_less(j(need(a, "gt")), j(v)); }
bool t_ge(Evaluator&, const Value& v, CallArgs& a) { return !py_less(j(v), j(need(a, "ge"))); }
bool t_in(Evaluator&, const Value& v, CallArgs& a) { return py_contains(need(a, "in"), v); }
bool t_sameas(Evaluator&, const Value& v, CallArgs& a) {
    // Identity only makes sense for None, True and False here.
    const Value& o = need(a, "sameas");
    return v.is_json() && o.is_json() && j(v).type() == j(o).type() && (j(v).is_null() || j(v).is_boolean()) &&
           j(v) == j(o);
}
// Python's str.islower()/isupper(): at least one cased character, none of
// the other case.
bool all_cased(const Value& v, bool upper_case) {
    std::string s = to_str(v);
    return upper_case ? core::unicode::is_upper(s) : core::unicode::is_lower(s);
}
bool t_lower(Evaluator&, const Value& v, CallArgs&) { return all_cased(v, false); }
bool t_upper(Evaluator&, const Value& v, CallArgs&) { return all_cased(v, true); }

}  // namespace

void register_jinja_tests(std::vector<std::pair<std::string_view, TestFn>>& t) {
    t.insert(t.end(), {
                          {"defined", {t_defined}},
                          {"undefined", {t_undefined}},
                          {"none", {t_none}},
                          {"number", {t_number}},
                          {"integer", {t_integer}},
                          {"float", {t_float}},
                          {"boolean", {t_boolean}},
                          {"string", {t_string}},
                          {"mapping", {t_mapping}},
                          {"sequence", {t_sequence}},
                          {"iterable", {t_iterable}},
                          {"true", {t_true}},
                          {"false", {t_false}},
                          {"callable", {t_callable}},
                          {"even", {t_even}},
                          {"odd", {t_odd}},
                          {"divisibleby", {t_divisibleby}},
                          {"eq", {t_eq}},
                          {"equalto", {t_eq}},
                          {"==", {t_eq}},
                          {"ne", {t_ne}},
                          {"!=", {t_ne}},
                          {"lt", {t_lt}},
                          {"lessthan", {t_lt}},
                          {"<", {t_lt}},
                          {"le", {t_le}},
                          {"<=", {t_le}},
                          {"gt", {t_gt}},
                          {"greaterthan", {t_gt}},
                          {">", {t_gt}},
                          {"ge", {t_ge}},
                          {">=", {t_ge}},
                          {"in", {t_in}},
                          {"sameas", {t_sameas}},
                          {"lower", {t_lower}},
                          {"upper", {t_upper}},
                      });
}

}  // namespace packhost::expr

#include "expr/operations.hpp"

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdio>

#include "core/json_text.hpp"
#include "expr/budget.hpp"

namespace packhost::expr {
namespace {

[[noreturn]] void type_error(const std::string& op, const Json& a, const Json& b) {
    throw EvalError("unsupported operand type(s) for " + op + ": '" + python_type(a) + "' and '" + python_type(b) +
                    "'");
}

void require_defined(const Value& v) {
    if (v.is_undefined()) throw EvalError(v.hint());
}

bool is_int(const Json& j) { return j.is_number_integer() || j.is_boolean(); }

// Bytes of the UTF-8 sequence a lead byte starts (1 for a stray byte).
size_t utf8_sequence_length(unsigned char c) {
    return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

Json repeat(const Json& seq, int64_t n) {
    size_t unit = seq.is_string() ? seq.get_ref<const std::string&>().size() : seq.size();
    // Nothing to repeat is nothing, however many times (no loop to run).
    if (n <= 0 || unit == 0) return seq.is_string() ? Json("") : Json::array();
    Budget::charge_repeat(seq.is_string() ? unit : unit * Budget::kElementBytes, static_cast<size_t>(n));
    if (seq.is_string()) {
        std::string out;
        out.reserve(unit * static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) out += seq.get_ref<const std::string&>();
        return out;
    }
    Json out = Json::array();
    out.get_ref<Json::array_t&>().reserve(unit * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        for (const auto& e : seq) out.push_back(e);
    }
    return out;
}

double floor_mod(double a, double b) {
    double m = std::fmod(a, b);
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
}

// printf of one value with a format spec built from a template's text
// (whose width and precision were already paid for), at its full length.
template <class T>
void append_printf(std::string& out, const std::string& spec, T value) {
    int n = std::snprintf(nullptr, 0, spec.c_str(), value);
    if (n <= 0) return;
    size_t at = out.size();
    out.resize(at + static_cast<size_t>(n) + 1);
    std::snprintf(out.data() + at, static_cast<size_t>(n) + 1, spec.c_str(), value);
    out.resize(at + static_cast<size_t>(n));
}

int64_t floor_div_int(int64_t a, int64_t b) {
    if (a == INT64_MIN && b == -1) throw EvalError("integer overflow");
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace

bool is_number(const Json& j) { return j.is_number() || j.is_boolean(); }

double as_double(const Json& j) {
    if (j.is_boolean()) return j.get<bool>() ? 1.0 : 0.0;
    return j.get<double>();
}

int64_t as_int(const Json& j) {
    if (j.is_boolean()) return j.get<bool>() ? 1 : 0;
    if (j.is_number_unsigned()) return static_cast<int64_t>(j.get<uint64_t>());
    if (j.is_number_float()) {
        // Python's int(x), within what a 64-bit integer holds (converting a
        // double out of that range is undefined behaviour).
        double d = j.get<double>();
        if (std::isnan(d)) throw EvalError("cannot convert float NaN to integer");
        if (std::isinf(d)) throw EvalError("cannot convert float infinity to integer");
        if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) throw EvalError("int too large to convert");
        return static_cast<int64_t>(d);
    }
    return j.get<int64_t>();
}

size_t code_point_count(std::string_view s) {
    Budget::charge_scan(s.size());
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = utf8_sequence_length(c);
        i += std::min(len, s.size() - i);
        ++n;
    }
    return n;
}

void check_nestable(const Json& child, size_t levels) {
    if (child.is_structured() && core::json_depth(child) + levels > core::kMaxJsonDepth) {
        throw EvalError("value nested deeper than " + std::to_string(core::kMaxJsonDepth) + " levels");
    }
}

std::vector<std::string> code_points(const std::string& s) {
    // Each code point becomes a string of its own.
    Budget::charge_repeat(sizeof(std::string), s.size());
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = utf8_sequence_length(c);
        n = std::min(n, s.size() - i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

Value binary_op(const std::string& op, const Value& av, const Value& bv) {
    if (op == "~") {
        std::string a = to_str(av), b = to_str(bv);
        Budget::charge_bytes(a.size() + b.size());
        return Json(a + b);
    }
    require_defined(av);
    require_defined(bv);
    const Json& a = av.to_json();
    const Json& b = bv.to_json();
    int64_t r = 0;
    if (op == "+") {
        // Python ints do not overflow; past int64 we continue in floating point.
        if (is_int(a) && is_int(b)) {
            if (!__builtin_add_overflow(as_int(a), as_int(b), &r)) return Json(r);
            return Json(as_double(a) + as_double(b));
        }
        if (is_number(a) && is_number(b)) return Json(as_double(a) + as_double(b));
        if (a.is_string() && b.is_string()) {
            Budget::charge_bytes(a.get_ref<const std::string&>().size() + b.get_ref<const std::string&>().size());
            return Json(a.get<std::string>() + b.get<std::string>());
        }
        if (a.is_array() && b.is_array()) {
            Budget::charge_repeat(Budget::kElementBytes, a.size() + b.size());
            Json out = a;
            for (const auto& e : b) out.push_back(e);
            return out;
        }
        type_error("+", a, b);
    }
    if (op == "-") {
        if (is_int(a) && is_int(b)) {
            if (!__builtin_sub_overflow(as_int(a), as_int(b), &r)) return Json(r);
            return Json(as_double(a) - as_double(b));
        }
        if (is_number(a) && is_number(b)) return Json(as_double(a) - as_double(b));
        type_error("-", a, b);
    }
    if (op == "*") {
        if (is_int(a) && is_int(b)) {
            if (!__builtin_mul_overflow(as_int(a), as_int(b), &r)) return Json(r);
            return Json(as_double(a) * as_double(b));
        }
        if (is_number(a) && is_number(b)) return Json(as_double(a) * as_double(b));
        if ((a.is_string() || a.is_array()) && is_int(b)) return repeat(a, as_int(b));
        if ((b.is_string() || b.is_array()) && is_int(a)) return repeat(b, as_int(a));
        type_error("*", a, b);
    }
    if (op == "/") {
        if (!is_number(a) || !is_number(b)) type_error("/", a, b);
        if (as_double(b) == 0) throw EvalError("division by zero");
        return Json(as_double(a) / as_double(b));
    }
    if (op == "//") {
        if (!is_number(a) || !is_number(b)) type_error("//", a, b);
        if (as_double(b) == 0) throw EvalError("integer division or modulo by zero");
        if (is_int(a) && is_int(b)) return Json(floor_div_int(as_int(a), as_int(b)));
        return Json(std::floor(as_double(a) / as_double(b)));
    }
    if (op == "%") {
        if (a.is_string()) return Json(percent_format(a.get<std::string>(), bv));
        if (!is_number(a) || !is_number(b)) type_error("%", a, b);
        if (as_double(b) == 0) throw EvalError("integer division or modulo by zero");
        if (is_int(a) && is_int(b)) {
            int64_t x = as_int(a), y = as_int(b);
            if (y == -1) return Json(0);
            int64_t m = x % y;
            if (m != 0 && ((m < 0) != (y < 0))) m += y;
            return Json(m);
        }
        return Json(floor_mod(as_double(a), as_double(b)));
    }
    if (op == "**") {
        if (!is_number(a) || !is_number(b)) type_error("** or pow()", a, b);
        if (is_int(a) && is_int(b) && as_int(b) >= 0) {
            // Square-and-multiply; on overflow, floating point.
            int64_t base = as_int(a), e = as_int(b), acc = 1;
            bool overflow = false;
            while (e > 0 && !overflow) {
                if (e & 1) overflow = __builtin_mul_overflow(acc, base, &acc);
                e >>= 1;
                if (e > 0 && !overflow) overflow = __builtin_mul_overflow(base, base, &base);
            }
            if (!overflow) return Json(acc);
        }
        return Json(std::pow(as_double(a), as_double(b)));
    }
    throw EvalError("unknown operator " + op);
}

Value negate(const Value& v) {
    require_defined(v);
    const Json& j = v.json();
    if (is_int(j)) {
        if (as_int(j) == INT64_MIN) return Json(-as_double(j));
        return Json(-as_int(j));
    }
    if (j.is_number()) return Json(-j.get<double>());
    throw EvalError("bad operand type for unary -: '" + python_type(j) + "'");
}

Value positive(const Value& v) {
    require_defined(v);
    const Json& j = v.json();
    if (is_int(j)) return Json(as_int(j));
    if (j.is_number()) return Json(j.get<double>());
    throw EvalError("bad operand type for unary +: '" + python_type(j) + "'");
}

bool py_equal(const Json& a, const Json& b) {
    if (is_number(a) && is_number(b)) {
        if (is_int(a) && is_int(b)) return as_int(a) == as_int(b);
        return as_double(a) == as_double(b);
    }
    if (a.type() != b.type()) return false;
    if (a.is_structured()) Budget::charge_steps(a.size());
    if (a.is_string()) Budget::charge_scan(a.get_ref<const std::string&>().size());
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!py_equal(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto other = b.find(it.key());
            if (other == b.end() || !py_equal(it.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

bool py_equal(const Value& a, const Value& b) {
    if (a.is_undefined() || b.is_undefined()) return a.is_undefined() && b.is_undefined();
    return py_equal(a.to_json(), b.to_json());
}

bool py_less(const Json& a, const Json& b) {
    if (is_number(a) && is_number(b)) {
        if (is_int(a) && is_int(b)) return as_int(a) < as_int(b);
        return as_double(a) < as_double(b);
    }
    if (a.is_string() && b.is_string()) return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    if (a.is_array() && b.is_array()) {
        for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
            if (!py_equal(a[i], b[i])) return py_less(a[i], b[i]);
        }
        return a.size() < b.size();
    }
    throw EvalError("'<' not supported between instances of '" + python_type(a) + "' and '" + python_type(b) + "'");
}

bool py_contains(const Value& container, const Value& item) {
    if (container.is_undefined()) throw EvalError(container.hint());
    const Json& c = container.to_json();
    const Json& i = item.to_json();
    if (c.is_string()) {
        if (!i.is_string()) throw EvalError("'in <string>' requires string as left operand, not " + python_type(i));
        Budget::charge_scan(c.get_ref<const std::string&>().size());
        return c.get_ref<const std::string&>().find(i.get_ref<const std::string&>()) != std::string::npos;
    }
    if (c.is_array()) {
        Budget::charge_steps(c.size());
        for (const auto& e : c) {
            if (py_equal(e, i)) return true;
        }
        return false;
    }
    if (c.is_object()) return i.is_string() && c.contains(i.get_ref<const std::string&>());
    throw EvalError("argument of type '" + python_type(c) + "' is not iterable");
}

std::vector<Value> iterate(const Value& v) {
    std::vector<Value> out;
    if (v.is_undefined()) return out;
    const Json& j = v.to_json();
    if (j.is_structured()) Budget::charge_steps(j.size());
    if (j.is_array()) {
        out.reserve(j.size());
        if (v.borrowed()) {
            for (const auto& e : j) out.push_back(Value::borrow(e));
        } else {
            Budget::charge_repeat(Budget::kElementBytes, j.size());
            for (const auto& e : j) out.emplace_back(e);
        }
    } else if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) out.emplace_back(Json(it.key()));
    } else if (j.is_string()) {
        for (auto& cp : code_points(j.get_ref<const std::string&>())) out.emplace_back(Json(std::move(cp)));
    } else {
        throw EvalError("'" + python_type(j) + "' object is not iterable");
    }
    return out;
}

size_t py_length(const Value& v) {
    if (v.is_undefined()) return 0;
    const Json& j = v.to_json();
    if (j.is_string()) return code_point_count(j.get_ref<const std::string&>());
    if (j.is_array() || j.is_object()) return j.size();
    throw EvalError("object of type '" + python_type(j) + "' has no len()");
}

Value get_attribute(const Value& obj, const std::string& name) {
    if (obj.is_undefined()) throw EvalError(obj.hint());
    if (obj.is_object()) {
        if (auto v = obj.obj()->attribute(name)) return *v;
        return Value::undefined("'" + obj.obj()->type_name() + "' has no attribute '" + name + "'");
    }
    const Json& j = obj.json();
    if (j.is_object()) {
        auto it = j.find(name);
        if (it != j.end()) return obj.borrowed() ? Value::borrow(*it) : Value(Json(*it));
    }
    return Value::undefined("'" + type_name(obj) + "' has no attribute '" + name + "'");
}

Value get_item(const Value& obj, const Value& key) {
    if (obj.is_undefined()) throw EvalError(obj.hint());
    if (obj.is_object()) {
        if (key.json().is_string()) return get_attribute(obj, key.json().get<std::string>());
        return Value::undefined("'" + obj.obj()->type_name() + "' has no element " + repr(key.json()));
    }
    const Json& j = obj.json();
    const Json& k = key.to_json();
    if (j.is_object() && k.is_string()) {
        auto it = j.find(k.get_ref<const std::string&>());
        if (it != j.end()) return obj.borrowed() ? Value::borrow(*it) : Value(Json(*it));
        return Value::undefined("'dict object' has no attribute '" + k.get<std::string>() + "'");
    }
    if ((j.is_array() || j.is_string()) && (k.is_number_integer() || k.is_boolean())) {
        int64_t idx = as_int(k);
        if (j.is_array()) {
            int64_t n = static_cast<int64_t>(j.size());
            if (idx < 0) idx += n;
            if (idx >= 0 && idx < n) {
                const Json& e = j[static_cast<size_t>(idx)];
                return obj.borrowed() ? Value::borrow(e) : Value(Json(e));
            }
        } else {
            const auto& s = j.get_ref<const std::string&>();
            int64_t n = static_cast<int64_t>(code_point_count(s));
            if (idx < 0) idx += n;
            if (idx >= 0 && idx < n) {
                // Walk to the code point instead of splitting the whole string.
                size_t pos = 0;
                for (int64_t k = 0;; ++k) {
                    unsigned char c = static_cast<unsigned char>(s[pos]);
                    size_t len = utf8_sequence_length(c);
                    len = std::min(len, s.size() - pos);
                    if (k == idx) return Value(Json(s.substr(pos, len)));
                    pos += len;
                }
            }
        }
        return Value::undefined("'" + type_name(obj) + "' has no element " + std::to_string(as_int(k)));
    }
    return Value::undefined("'" + type_name(obj) + "' has no element " + repr(k));
}

Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step) {
    if (obj.is_undefined()) throw EvalError(obj.hint());
    const Json& j = obj.to_json();
    std::vector<std::string> cps;
    int64_t n;
    if (j.is_string()) {
        cps = code_points(j.get_ref<const std::string&>());
        n = static_cast<int64_t>(cps.size());
    } else if (j.is_array()) {
        n = static_cast<int64_t>(j.size());
    } else {
        throw EvalError("'" + python_type(j) + "' object is not subscriptable");
    }
    auto opt = [](const Value& v) -> std::optional<int64_t> {
        if (v.is_undefined() || v.json().is_null()) return std::nullopt;
        if (!v.json().is_number_integer()) throw EvalError("slice indices must be integers or None");
        return v.json().get<int64_t>();
    };
    int64_t st = opt(step).value_or(1);
    if (st == 0) throw EvalError("slice step cannot be zero");
    auto clamp = [&](std::optional<int64_t> v, int64_t def) {
        if (!v) return def;
        int64_t x = *v;
        if (x < 0) x += n;
        if (st > 0) return std::clamp<int64_t>(x, 0, n);
        return std::clamp<int64_t>(x, -1, n - 1);
    };
    int64_t b = clamp(opt(start), st > 0 ? 0 : n - 1);
    int64_t e = clamp(opt(stop), st > 0 ? n : -1);
    Json out = j.is_string() ? Json("") : Json::array();
    std::string s;
    for (int64_t i = b; st > 0 ? i < e : i > e; i += st) {
        if (j.is_string()) {
            s += cps[static_cast<size_t>(i)];
        } else {
            out.push_back(j[static_cast<size_t>(i)]);
        }
    }
    if (j.is_string()) return Json(s);
    return out;
}

std::string percent_format(const std::string& fmt, const Value& args_value) {
    const Json& args_json = args_value.to_json();
    std::vector<Json> args;
    const Json* mapping = nullptr;
    if (args_json.is_array()) {
        for (const auto& a : args_json) args.push_back(a);
    } else if (args_json.is_object()) {
        mapping = &args_json;
    } else {
        args.push_back(args_json);
    }
    std::string out;
    size_t next_arg = 0;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out += fmt[i];
            continue;
        }
        if (++i >= fmt.size()) throw EvalError("incomplete format");
        if (fmt[i] == '%') {
            out += '%';
            continue;
        }
        const Json* arg = nullptr;
        if (fmt[i] == '(') {
            size_t close = fmt.find(')', i);
            if (close == std::string::npos || !mapping) throw EvalError("format requires a mapping");
            auto it = mapping->find(fmt.substr(i + 1, close - i - 1));
            if (it == mapping->end()) throw EvalError("KeyError: '" + fmt.substr(i + 1, close - i - 1) + "'");
            arg = &*it;
            i = close + 1;
        }
        std::string spec = "%";
        while (i < fmt.size() && std::string("-+ #0").find(fmt[i]) != std::string::npos) spec += fmt[i++];
        // Width and precision are paid for before anything is printed: a
        // width of two billion must fail at once, not after printing it.
        auto number = [&](const char* what) {
            size_t n = 0;
            while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
                n = n * 10 + static_cast<size_t>(fmt[i] - '0');
                if (n > Budget::kMaxBytes) throw EvalError(std::string("format ") + what + " too large");
                spec += fmt[i++];
            }
            return n;
        };
        size_t width = number("width"), precision = 0;
        if (i < fmt.size() && fmt[i] == '.') {
            spec += fmt[i++];
            precision = number("precision");
        }
        Budget::charge_bytes(width + precision);
        if (i >= fmt.size()) throw EvalError("incomplete format");
        char conv = fmt[i];
        if (!arg) {
            if (next_arg >= args.size()) throw EvalError("not enough arguments for format string");
            arg = &args[next_arg++];
        }
        switch (conv) {
        case 's':
        case 'r': {
            std::string text = conv == 's' ? to_str(*arg) : repr(*arg);
            spec += 's';
            Budget::charge_bytes(text.size());
            append_printf(out, spec, text.c_str());
            break;
        }
        case 'd':
        case 'i':
        case 'x':
        case 'X':
        case 'o': {
            if (!is_number(*arg))
                throw EvalError("%" + std::string(1, conv) + " format: a number is required, not " + python_type(*arg));
            long long v;
            if (arg->is_number_float()) {
                double d = arg->get<double>();
                if (!std::isfinite(d) || std::fabs(d) > 9.0e18) throw EvalError("%d format: number out of range");
                v = static_cast<long long>(d);
            } else {
                v = as_int(*arg);
            }
            spec += "ll";
            spec += conv == 'i' ? 'd' : conv;
            append_printf(out, spec, v);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            if (!is_number(*arg)) throw EvalError("must be real number, not " + python_type(*arg));
            spec += conv;
            append_printf(out, spec, as_double(*arg));
            break;
        }
        default: throw EvalError(std::string("unsupported format character '") + conv + "'");
        }
    }
    if (!mapping && next_arg < args.size()) throw EvalError("not all arguments converted during string formatting");
    return out;
}

namespace {

void dump_string(const std::string& s, std::string& out, bool ensure_ascii) {
    Budget::charge_bytes(s.size() + 2);
    out += '"';
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else if (c >= 0x80 && ensure_ascii) {
                // Decode one UTF-8 sequence and write \uXXXX (surrogate pairs above the BMP).
                uint32_t cp;
                size_t n;
                if ((c >> 5) == 0x6) {
                    cp = c & 0x1F;
                    n = 1;
                } else if ((c >> 4) == 0xE) {
                    cp = c & 0x0F;
                    n = 2;
                } else if ((c >> 3) == 0x1E) {
                    cp = c & 0x07;
                    n = 3;
                } else {
                    cp = 0xFFFD;
                    n = 0;
                }
                for (size_t k = 0; k < n && i + 1 < s.size(); ++k)
                    cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F);
                char buf[16];
                if (cp >= 0x10000) {
                    cp -= 0x10000;
                    std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
                } else {
                    std::snprintf(buf, sizeof buf, "\\u%04x", cp);
                }
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

void dump_into(const Json& j, std::string& out, int indent, int depth, bool sort_keys, const char* item_sep,
               const char* key_sep, bool ensure_ascii) {
    if (depth > static_cast<int>(core::kMaxPrintDepth)) {
        throw EvalError("cannot print a value nested deeper than " + std::to_string(core::kMaxPrintDepth) + " levels");
    }
    auto newline = [&](int d) {
        size_t pad = static_cast<size_t>(std::max(indent, 0));
        Budget::charge_repeat(pad, static_cast<size_t>(d));
        out += '\n';
        out.append(pad * static_cast<size_t>(d), ' ');
    };
    switch (j.type()) {
    case Json::value_t::null: out += "null"; return;
    case Json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case Json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); return;
    case Json::value_t::number_float: {
        double d = j.get<double>();
        if (std::isnan(d))
            out += "NaN";
        else if (std::isinf(d))
            out += d > 0 ? "Infinity" : "-Infinity";
        else
            out += float_repr(d);
        return;
    }
    case Json::value_t::string: dump_string(j.get_ref<const std::string&>(), out, ensure_ascii); return;
    case Json::value_t::array: {
        if (j.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& e : j) {
            if (!first) out += item_sep;
            first = false;
            if (indent >= 0) newline(depth + 1);
            dump_into(e, out, indent, depth + 1, sort_keys, item_sep, key_sep, ensure_ascii);
        }
        if (indent >= 0) newline(depth);
        out += ']';
        return;
    }
    case Json::value_t::object: {
        if (j.empty()) {
            out += "{}";
            return;
        }
        std::vector<std::pair<std::string, const Json*>> items;
        for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), &it.value());
        if (sort_keys) std::sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first < b.first; });
        out += '{';
        bool first = true;
        for (const auto& [k, v] : items) {
            if (!first) out += item_sep;
            first = false;
            if (indent >= 0) newline(depth + 1);
            dump_string(k, out, ensure_ascii);
            out += key_sep;
            dump_into(*v, out, indent, depth + 1, sort_keys, item_sep, key_sep, ensure_ascii);
        }
        if (indent >= 0) newline(depth);
        out += '}';
        return;
    }
    default: out += "null";
    }
}

}  // namespace

std::string python_json_dumps(const Json& j, int indent, bool sort_keys, const char* item_sep, const char* key_sep,
                              bool ensure_ascii) {
    // Python's defaults: ", " between items unless indenting (then ",").
    if (!item_sep) item_sep = indent >= 0 ? "," : ", ";
    if (!key_sep) key_sep = ": ";
    std::string out;
    dump_into(j, out, indent, 0, sort_keys, item_sep, key_sep, ensure_ascii);
    return out;
}

}  // namespace packhost::expr

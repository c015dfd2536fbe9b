#include "expr/value.hpp"

#include <charconv>
#include <cmath>

#include "core/json_text.hpp"
#include "expr/budget.hpp"
#include "expr/call_args.hpp"

namespace packhost::expr {

std::optional<Value> Object::attribute(std::string_view) const { return std::nullopt; }

Value Object::call(CallArgs&) const { throw EvalError("'" + type_name() + "' object is not callable"); }

const Json& Value::json() const {
    static const Json null_json;
    if (kind_ == Kind::json) return ref_ ? *ref_ : own_;
    return null_json;
}

Json Value::take() && {
    if (kind_ == Kind::object) return obj_->to_json();
    if (kind_ == Kind::undefined) return nullptr;
    return ref_ ? *ref_ : std::move(own_);
}

bool truthy(const Value& v) {
    if (v.is_undefined()) return false;
    if (v.is_object()) return true;
    const Json& j = v.json();
    switch (j.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return j.get<bool>();
    case Json::value_t::number_integer: return j.get<int64_t>() != 0;
    case Json::value_t::number_unsigned: return j.get<uint64_t>() != 0;
    case Json::value_t::number_float: return j.get<double>() != 0.0;
    case Json::value_t::string: return !j.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !j.empty();
    default: return false;
    }
}

std::string float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    // Shortest round-trip digits, then Python's layout: fixed notation for
    // 1e-4 <= |d| < 1e16, scientific otherwise.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    size_t e = sci.find('e');
    std::string mant = sci.substr(0, e);
    int exp = std::stoi(sci.substr(e + 1));
    bool neg = mant[0] == '-';
    if (neg) mant = mant.substr(1);
    std::string digits;
    for (char c : mant) {
        if (c != '.') digits += c;
    }
    std::string out;
    if (exp >= 16 || exp < -4) {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out.append(1, '.').append(digits, 1, std::string::npos);
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out += ebuf;
    } else if (exp >= 0) {
        if (int(digits.size()) <= exp + 1) {
            out = digits + std::string(size_t(exp + 1 - int(digits.size())), '0') + ".0";
        } else {
            out = digits.substr(0, size_t(exp + 1)) + "." + digits.substr(size_t(exp + 1));
        }
    } else {
        out = "0." + std::string(size_t(-exp - 1), '0') + digits;
    }
    return neg ? "-" + out : out;
}

namespace {

void repr_string(const std::string& s, std::string& out) {
    Budget::charge_bytes(s.size() + 2);
    // Python picks single quotes unless the text has one and no double quote.
    char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
    out += q;
    for (unsigned char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c == static_cast<unsigned char>(q)) {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += q;
}

void repr_into(const Json& j, std::string& out, size_t depth) {
    if (depth > core::kMaxPrintDepth) {
        throw EvalError("cannot print a value nested deeper than " + std::to_string(core::kMaxPrintDepth) + " levels");
    }
    switch (j.type()) {
    case Json::value_t::null: out += "None"; return;
    case Json::value_t::boolean: out += j.get<bool>() ? "True" : "False"; return;
    case Json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); return;
    case Json::value_t::number_float: out += float_repr(j.get<double>()); return;
    case Json::value_t::string: repr_string(j.get_ref<const std::string&>(), out); return;
    case Json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& e : j) {
            if (!first) {
                Budget::charge_bytes(2);
                out += ", ";
            }
            first = false;
            repr_into(e, out, depth + 1);
        }
        out += ']';
        return;
    }
    case Json::value_t::object: {
        out += '{';
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (!first) {
                Budget::charge_bytes(2);
                out += ", ";
            }
            first = false;
            repr_string(it.key(), out);
            out += ": ";
            repr_into(it.value(), out, depth + 1);
        }
        out += '}';
        return;
    }
    default: out += "None"; return;
    }
}

}  // namespace

std::string repr(const Json& j) {
    std::string out;
    repr_into(j, out, 0);
    return out;
}

std::string to_str(const Json& j) {
    if (j.is_string()) return j.get<std::string>();
    return repr(j);
}

std::string to_str(const Value& v) {
    if (v.is_undefined()) return "";
    if (v.is_object()) return to_str(v.obj()->to_json());
    return to_str(v.json());
}

std::string python_type(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null: return "NoneType";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "int";
    case Json::value_t::number_float: return "float";
    case Json::value_t::string: return "str";
    case Json::value_t::array: return "list";
    case Json::value_t::object: return "dict";
    default: return "object";
    }
}

std::string type_name(const Value& v) {
    if (v.is_undefined()) return "Undefined";
    if (v.is_object()) return v.obj()->type_name();
    return python_type(v.json()) + " object";
}

}  // namespace packhost::expr

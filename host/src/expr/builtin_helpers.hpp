#pragma once
// Small helpers the filter, test and method files share.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "expr/call_args.hpp"
#include "expr/operations.hpp"
#include "expr/value.hpp"

namespace packhost::expr::builtin {

inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}
inline std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

inline bool arg_bool(const CallArgs& a, size_t i, const char* name, bool def) {
    const Value* v = a.get(i, name);
    return v ? truthy(*v) : def;
}
inline std::string arg_str(const CallArgs& a, size_t i, const char* name, const std::string& def) {
    const Value* v = a.get(i, name);
    return (v && !v->json().is_null()) ? to_str(*v) : def;
}
inline int64_t arg_int(const CallArgs& a, size_t i, const char* name, int64_t def) {
    const Value* v = a.get(i, name);
    if (!v || v->json().is_null()) return def;
    if (!is_number(v->json())) throw EvalError(std::string("argument '") + name + "' must be a number");
    if (!v->json().is_number_float()) return as_int(v->json());
    double d = v->json().get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18) throw EvalError(std::string("argument '") + name + "' is out of range");
    return static_cast<int64_t>(d);
}

// Sizes a template asks for (indent width, batch fill) stay below this.
inline constexpr int64_t kMaxRequestedSize = 1 << 20;
inline const Value* arg(const CallArgs& a, size_t i, const char* name) { return a.get(i, name); }

// "a.b.0": jinja2's attribute paths for sort(attribute=...), map(attribute=...).
inline Value attribute_path(const Value& item, const std::string& path) {
    Value cur = item;
    size_t start = 0;
    while (start <= path.size()) {
        size_t dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); });
        Value next = digits ? get_item(cur, Value(Json(std::stoll(part)))) : get_attribute(cur, part);
        cur = std::move(next);
        if (cur.is_undefined() || dot == std::string::npos) break;
        start = dot + 1;
    }
    return cur;
}

// The key sort/unique/min/max compare by: the attribute when given, and
// strings lower-cased unless case_sensitive.
inline Json sort_key(const Value& item, const std::string& attribute, bool case_sensitive) {
    Json k = attribute.empty() ? item.to_json() : attribute_path(item, attribute).to_json();
    if (!case_sensitive && k.is_string()) return lower(k.get<std::string>());
    return k;
}

inline std::string strip(const std::string& s, const std::string& chars, bool left, bool right) {
    auto in = [&](char c) {
        return chars.empty() ? (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
                             : chars.find(c) != std::string::npos;
    };
    size_t b = 0, e = s.size();
    if (left) {
        while (b < e && in(s[b])) ++b;
    }
    if (right) {
        while (e > b && in(s[e - 1])) --e;
    }
    return s.substr(b, e - b);
}

inline std::string replace_all(const std::string& s, const std::string& from, const std::string& to, int64_t count) {
    if (from.empty()) {
        // Python inserts `to` between every character (and at both ends).
        std::string out = to;
        int64_t done = 1;
        for (const auto& cp : code_points(s)) {
            out += cp;
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
        }
        return out;
    }
    std::string out;
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
        ++done;
    }
    out.append(s, pos, std::string::npos);
    return out;
}

}  // namespace packhost::expr::builtin

#pragma once
// Small helpers the filter, test and method files share.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "core/unicode.hpp"
#include "expr/budget.hpp"
#include "expr/call_args.hpp"
#include "expr/operations.hpp"
#include "expr/value.hpp"

namespace packhost::expr::builtin {

// Python's str.lower()/upper(): Unicode's full mappings ('ß' -> 'SS').
inline std::string lower(const std::string& s) {
    Budget::charge_scan(s.size());
    return core::unicode::lower(s);
}
inline std::string upper(const std::string& s) {
    Budget::charge_scan(s.size());
    return core::unicode::upper(s);
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
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18)
        throw EvalError(std::string("argument '") + name + "' is out of range");
    return static_cast<int64_t>(d);
}

// Comparisons a sort of n items makes, at most (what it is charged).
inline size_t sort_steps(size_t n) {
    size_t log2 = 1;
    while ((size_t{1} << log2) < n && log2 < 63) ++log2;
    return n * log2;
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
        bool digits =
            !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); });
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

// str.replace; the size of the result is paid for before it is built.
inline std::string replace_all(const std::string& s, const std::string& from, const std::string& to, int64_t count) {
    Budget::charge_scan(s.size());
    if (count == 0) return s;
    if (from.empty()) {
        // Python inserts `to` between every character (and at both ends).
        size_t inserts = code_point_count(s) + 1;
        if (count >= 0) inserts = std::min(inserts, static_cast<size_t>(count));
        Budget::charge_repeat(to.size(), inserts);
        Budget::charge_bytes(s.size());
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
    if (to.size() > from.size()) {
        size_t hits = 0;
        for (size_t pos = s.find(from); pos != std::string::npos && (count < 0 || int64_t(hits) < count);
             pos = s.find(from, pos + from.size())) {
            ++hits;
        }
        Budget::charge_repeat(to.size() - from.size(), hits);
    }
    Budget::charge_bytes(s.size());
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

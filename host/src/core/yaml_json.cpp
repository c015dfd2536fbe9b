#include "core/yaml_json.hpp"

#include <cmath>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include "core/json_text.hpp"

namespace packhost::core {

namespace {

// PyYAML's implicit resolvers (resolver.py), matched by hand: std::regex
// compiled them at every start and cost more than reading a pack.
bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
    for (auto w : words) {
        if (s == w) return true;
    }
    return false;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// Consumes [set]* from s at i; returns how many it took.
template <typename Pred>
size_t run_of(std::string_view s, size_t& i, Pred in_set) {
    size_t from = i;
    while (i < s.size() && in_set(s[i])) ++i;
    return i - from;
}

bool digit_or_underscore(char c) { return digit(c) || c == '_'; }

// (:[0-5]?[0-9])+ from i; true when at least one part was there.
bool sexagesimal_parts(std::string_view s, size_t& i) {
    size_t parts = 0;
    while (i < s.size() && s[i] == ':') {
        size_t j = i + 1;
        if (j + 1 < s.size() && s[j] >= '0' && s[j] <= '5' && digit(s[j + 1])) {
            j += 2;
        } else if (j < s.size() && digit(s[j])) {
            j += 1;
        } else {
            return false;
        }
        i = j;
        ++parts;
    }
    return parts > 0;
}

size_t sign_length(std::string_view s) { return !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0; }

enum class IntForm { none, binary, octal, decimal, hex, sexagesimal };

IntForm int_form(std::string_view s) {
    size_t i = sign_length(s);
    std::string_view b = s.substr(i);
    if (b.size() > 2 && b[0] == '0' && b[1] == 'b') {
        size_t k = 2;
        return run_of(b, k, [](char c) { return c == '0' || c == '1' || c == '_'; }) > 0 && k == b.size()
                   ? IntForm::binary
                   : IntForm::none;
    }
    if (b.size() > 2 && b[0] == '0' && b[1] == 'x') {
        size_t k = 2;
        return run_of(b, k, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '_'; }) > 0 &&
                       k == b.size()
                   ? IntForm::hex
                   : IntForm::none;
    }
    if (b == "0") return IntForm::decimal;
    if (b.size() > 1 && b[0] == '0') {
        size_t k = 1;
        run_of(b, k, [](char c) { return (c >= '0' && c <= '7') || c == '_'; });
        return k == b.size() ? IntForm::octal : IntForm::none;
    }
    if (b.empty() || b[0] < '1' || b[0] > '9') return IntForm::none;
    size_t k = 1;
    run_of(b, k, digit_or_underscore);
    if (k == b.size()) return IntForm::decimal;
    return sexagesimal_parts(b, k) && k == b.size() ? IntForm::sexagesimal : IntForm::none;
}

enum class FloatForm { none, plain, sexagesimal, inf, nan };

FloatForm float_form(std::string_view s) {
    if (one_of(s, {".nan", ".NaN", ".NAN"})) return FloatForm::nan;
    size_t i = sign_length(s);
    std::string_view b = s.substr(i);
    if (one_of(b, {".inf", ".Inf", ".INF"})) return FloatForm::inf;
    auto exponent_and_end = [&](size_t k) {
        if (k < b.size() && (b[k] == 'e' || b[k] == 'E')) {
            ++k;
            if (k >= b.size() || (b[k] != '-' && b[k] != '+')) return false;
            ++k;
            if (run_of(b, k, digit) == 0) return false;
        }
        return k == b.size();
    };
    size_t k = 0;
    if (!b.empty() && b[0] == '.') {
        // \.[0-9_]+ takes no sign
        k = 1;
        return i == 0 && run_of(b, k, digit_or_underscore) > 0 && exponent_and_end(k) ? FloatForm::plain
                                                                                      : FloatForm::none;
    }
    if (b.empty() || !digit(b[0])) return FloatForm::none;
    k = 1;
    run_of(b, k, digit_or_underscore);
    bool sexagesimal = k < b.size() && b[k] == ':';
    if (sexagesimal && !sexagesimal_parts(b, k)) return FloatForm::none;
    if (k >= b.size() || b[k] != '.') return FloatForm::none;
    ++k;
    run_of(b, k, digit_or_underscore);
    if (sexagesimal) return k == b.size() ? FloatForm::sexagesimal : FloatForm::none;
    return exponent_and_end(k) ? FloatForm::plain : FloatForm::none;
}

// "1:30:05" in base 60, as PyYAML's constructors read it.
template <typename T, typename Part>
T base60(std::string_view digits, Part part) {
    T value = 0;
    size_t from = 0;
    while (true) {
        size_t colon = digits.find(':', from);
        value = value * 60 + part(std::string(digits.substr(from, colon - from)));
        if (colon == std::string_view::npos) return value;
        from = colon + 1;
    }
}

}  // namespace

Json resolve_plain_scalar(const std::string& s) {
    if (s.size() > 64) return s;  // no number or keyword is this long
    if (one_of(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
    if (one_of(s, {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) return true;
    if (one_of(s, {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) return false;
    IntForm i = int_form(s);
    FloatForm f = i == IntForm::none ? float_form(s) : FloatForm::none;
    if (i == IntForm::none && f == FloatForm::none) return s;
    std::string digits;
    for (char c : s) {
        if (c != '_') digits += c;
    }
    double sign = 1;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
        sign = digits[0] == '-' ? -1 : 1;
        digits.erase(0, 1);
    }
    const int64_t isign = sign < 0 ? -1 : 1;
    try {
        switch (i) {
        case IntForm::binary: return isign * std::stoll(digits.substr(2), nullptr, 2);
        case IntForm::octal: return isign * std::stoll(digits, nullptr, 8);
        case IntForm::decimal: return isign * std::stoll(digits);
        case IntForm::hex: return isign * std::stoll(digits.substr(2), nullptr, 16);
        case IntForm::sexagesimal:
            return isign * base60<int64_t>(digits, [](const std::string& p) { return std::stoll(p); });
        case IntForm::none: break;
        }
        switch (f) {
        case FloatForm::inf: return sign * INFINITY;
        case FloatForm::nan: return NAN;
        case FloatForm::sexagesimal:
            return sign * base60<double>(digits, [](const std::string& p) { return std::stod(p); });
        case FloatForm::plain:
            // PyYAML itself fails on "._" (nothing left to read): a string here.
            if (digits == "." || digits.empty()) return s;
            return sign * std::stod(digits);
        case FloatForm::none: break;
        }
    } catch (const std::out_of_range&) {
        // Past int64: a float, as the nearest a JSON number can hold.
        if (i == IntForm::decimal) return sign * std::stod(digits);
        return s;
    }
    return s;
}

namespace {

Json convert(const YAML::Node& n, size_t depth) {
    switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return n.Tag() == "?" ? resolve_plain_scalar(n.Scalar()) : Json(n.Scalar());
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
        if (depth >= kMaxJsonDepth) {
            throw JsonTextError("line " + std::to_string(n.Mark().line + 1) + ": nested deeper than " +
                                std::to_string(kMaxJsonDepth) + " levels");
        }
        if (n.IsSequence()) {
            Json out = Json::array();
            for (const auto& e : n) out.push_back(convert(e, depth + 1));
            return out;
        }
        Json out = Json::object();
        for (const auto& kv : n) out[kv.first.Scalar()] = convert(kv.second, depth + 1);
        return out;
    }
    default: return nullptr;
    }
}

}  // namespace

Json yaml_to_json(const YAML::Node& n) { return convert(n, 0); }

}  // namespace packhost::core

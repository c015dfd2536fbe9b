#include "events/rules/operators.hpp"

#include <unordered_map>
#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <utility>

#include "core/regex.hpp"
#include "core/unicode.hpp"
#include "expr/operations.hpp"

namespace packhost::events::rules {
namespace {

// Python `needle in haystack` for what JSON holds; false where Python raises.
bool py_in(const Json& needle, const Json& haystack) {
    if (haystack.is_string()) {
        return needle.is_string() &&
               haystack.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) != std::string::npos;
    }
    if (haystack.is_array()) {
        return std::any_of(haystack.begin(), haystack.end(), [&](const Json& e) { return expr::py_equal(e, needle); });
    }
    if (haystack.is_object()) return needle.is_string() && haystack.contains(needle.get_ref<const std::string&>());
    return false;
}

// `not in`, false where Python raises (as the operator then is).
bool py_not_in(const Json& needle, const Json& haystack) {
    bool defined = haystack.is_string() ? needle.is_string() : haystack.is_array() || haystack.is_object();
    return defined && !py_in(needle, haystack);
}

bool strings(const Json& a, const Json& b) { return a.is_string() && b.is_string(); }
const std::string& str(const Json& j) { return j.get_ref<const std::string&>(); }
std::string lower(const Json& j) { return core::unicode::lower(str(j)); }
bool starts(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

template <typename Fn>
bool guarded(Fn fn) {
    try {
        return fn();
    } catch (const std::exception&) {
        return false;  // what Python raises for makes the criterion false
    }
}

bool equals(const Json& v, const Json& p, int64_t) { return !p.is_null() && expr::py_equal(v, p); }
bool nequals(const Json& v, const Json& p, int64_t) { return !expr::py_equal(v, p); }
bool iequals(const Json& v, const Json& p, int64_t) { return strings(v, p) && lower(v) == lower(p); }
bool contains(const Json& v, const Json& p, int64_t) { return !p.is_null() && py_in(p, v); }
bool ncontains(const Json& v, const Json& p, int64_t) { return !p.is_null() && py_not_in(p, v); }
bool icontains(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && lower(v).find(lower(p)) != std::string::npos;
}
bool incontains(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && lower(v).find(lower(p)) == std::string::npos;
}
bool startswith(const Json& v, const Json& p, int64_t) { return strings(v, p) && starts(str(v), str(p)); }
bool istartswith(const Json& v, const Json& p, int64_t) { return strings(v, p) && starts(lower(v), lower(p)); }
bool endswith(const Json& v, const Json& p, int64_t) { return strings(v, p) && ends(str(v), str(p)); }
bool iendswith(const Json& v, const Json& p, int64_t) { return strings(v, p) && ends(lower(v), lower(p)); }
bool lessthan(const Json& v, const Json& p, int64_t) {
    return !p.is_null() && guarded([&] { return expr::py_less(v, p); });
}
bool greaterthan(const Json& v, const Json& p, int64_t) {
    return !p.is_null() && guarded([&] { return expr::py_less(p, v); });
}
// A rule's pattern is the same for every trigger instance: compiled once
// per thread (the rules engine runs on one) and kept, up to a bound past
// which the cache starts again (patterns rendered from payloads vary).
const core::Regex& compiled(const std::string& pattern, bool ignorecase) {
    thread_local std::unordered_map<std::string, core::Regex> cache[2];
    auto& c = cache[ignorecase ? 1 : 0];
    if (auto it = c.find(pattern); it != c.end()) return it->second;
    auto re = core::Regex::compile(pattern, ignorecase);  // throws before anything is kept
    if (c.size() >= 1024) c.clear();
    return c.emplace(pattern, std::move(re)).first->second;
}
bool matchwildcard(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && guarded([&] { return compiled(wildcard_to_regex(str(p)), false).match_start(str(v)); });
}
// Deprecated in StackStorm: re.match (anchored at the start) with DOTALL.
bool matchregex(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && guarded([&] { return compiled("(?s)" + str(p), false).match_start(str(v)); });
}
bool regex(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && guarded([&] { return compiled(str(p), false).search(str(v)); });
}
bool iregex(const Json& v, const Json& p, int64_t) {
    return strings(v, p) && guarded([&] { return compiled(str(p), true).search(str(v)); });
}
// Seconds from the value's date to now, against the pattern.
template <bool Less>
bool timediff(const Json& v, const Json& p, int64_t now_us) {
    if (!v.is_string() || !expr::is_number(p) || p.is_boolean()) return false;
    int64_t at = 0;
    if (!parse_date_us(str(v), at)) return false;
    double seconds = static_cast<double>(now_us - at) / 1e6;
    double period = p.is_number_float() ? p.get<double>() : static_cast<double>(p.get<int64_t>());
    return Less ? seconds < period : seconds > period;
}
bool exists(const Json& v, const Json&, int64_t) { return !v.is_null(); }
bool nexists(const Json& v, const Json&, int64_t) { return v.is_null(); }
bool inside(const Json& v, const Json& p, int64_t) { return !p.is_null() && py_in(v, p); }
bool ninside(const Json& v, const Json& p, int64_t) { return !p.is_null() && py_not_in(v, p); }

constexpr std::array<std::pair<std::string_view, Operator>, 32> kOperators{{
    {"equals", equals},
    {"eq", equals},
    {"nequals", nequals},
    {"neq", nequals},
    {"iequals", iequals},
    {"ieq", iequals},
    {"contains", contains},
    {"ncontains", ncontains},
    {"icontains", icontains},
    {"incontains", incontains},
    {"startswith", startswith},
    {"istartswith", istartswith},
    {"endswith", endswith},
    {"iendswith", iendswith},
    {"matchwildcard", matchwildcard},
    {"matchregex", matchregex},
    {"regex", regex},
    {"iregex", iregex},
    {"lessthan", lessthan},
    {"lt", lessthan},
    {"greaterthan", greaterthan},
    {"gt", greaterthan},
    {"timediff_lt", timediff<true>},
    {"td_lt", timediff<true>},
    {"timediff_gt", timediff<false>},
    {"td_gt", timediff<false>},
    {"exists", exists},
    {"nexists", nexists},
    {"inside", inside},
    {"in", inside},
    {"ninside", ninside},
    {"nin", ninside},
}};

// Digits at `s[at..at+n)` as a number; false when any is not a digit.
bool digits(std::string_view s, size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + n, out);
    return ec == std::errc() && end == s.data() + at + n;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Operator find_operator(std::string_view name) {
    std::string lowered(name);
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [n, op] : kOperators) {
        if (n == lowered) return op;
    }
    return nullptr;
}

const std::vector<std::string>& operator_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [n, op] : kOperators) out.emplace_back(n);
        out.emplace_back("search");
        return out;
    }();
    return names;
}

std::string wildcard_to_regex(std::string_view w) {
    std::string out = "(?s:";
    size_t i = 0;
    while (i < w.size()) {
        char c = w[i++];
        if (c == '*') {
            out += ".*";
        } else if (c == '?') {
            out += '.';
        } else if (c == '[') {
            size_t j = i;
            if (j < w.size() && w[j] == '!') ++j;
            if (j < w.size() && w[j] == ']') ++j;
            while (j < w.size() && w[j] != ']') ++j;
            if (j >= w.size()) {
                out += "\\[";  // no closing bracket: a literal '['
                continue;
            }
            std::string set(w.substr(i, j - i));
            i = j + 1;
            std::string escaped;
            for (char s : set) {
                if (s == '\\')
                    escaped += "\\\\";
                else
                    escaped += s;
            }
            if (!escaped.empty() && escaped[0] == '!')
                escaped[0] = '^';
            else if (!escaped.empty() && escaped[0] == '^')
                escaped = "\\" + escaped;
            out += "[" + escaped + "]";
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
            out += c;
        } else {
            out += '\\';
            out += c;
        }
    }
    return out + ")\\z";
}

bool parse_date_us(std::string_view s, int64_t& out_us) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d)) {
        return false;
    }
    size_t at = 10;
    int64_t micros = 0;
    if (at < s.size() && (s[at] == 'T' || s[at] == 't' || s[at] == ' ')) {
        if (!digits(s, at + 1, 2, h) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(s, at + 4, 2, mi)) {
            return false;
        }
        at += 6;
        if (at < s.size() && s[at] == ':') {
            if (!digits(s, at + 1, 2, sec)) return false;
            at += 3;
            if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
                size_t n = 0;
                ++at;
                int64_t scale = 100000;
                while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) {
                    if (n++ < 6) micros += (s[at] - '0') * scale, scale /= 10;
                    ++at;
                }
                if (n == 0) return false;
            }
        }
    }
    int64_t offset_s = 0;
    if (at < s.size()) {
        if (s[at] == 'Z' || s[at] == 'z') {
            ++at;
        } else if (s[at] == '+' || s[at] == '-') {
            int oh = 0, om = 0;
            int sign = s[at] == '-' ? -1 : 1;
            if (!digits(s, at + 1, 2, oh)) return false;
            at += 3;
            if (at < s.size() && s[at] == ':') ++at;
            if (at < s.size()) {
                if (!digits(s, at, 2, om)) return false;
                at += 2;
            }
            offset_s = sign * (oh * 3600 + om * 60);
        }
    }
    if (at != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    out_us = ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_s) * 1000000 + micros;
    return true;
}

}  // namespace packhost::events::rules

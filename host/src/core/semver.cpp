#include "core/semver.hpp"

#include <charconv>
#include <vector>

namespace packhost::core {
namespace {

bool is_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// A numeric field: digits, no leading zero (except "0" itself).
std::optional<unsigned long long> number(std::string_view s) {
    if (!is_digits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    unsigned long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::vector<std::string_view> split_dots(std::string_view s) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        size_t dot = s.find('.', start);
        parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

bool valid_identifiers(std::string_view s, bool numeric_no_leading_zero) {
    for (auto id : split_dots(s)) {
        if (id.empty()) return false;
        for (char c : id) {
            bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
            if (!ok) return false;
        }
        if (numeric_no_leading_zero && is_digits(id) && id.size() > 1 && id[0] == '0') return false;
    }
    return true;
}

}  // namespace

std::optional<Semver> Semver::parse(std::string_view text) {
    Semver v;
    size_t plus = text.find('+');
    if (plus != std::string_view::npos) {
        v.build = std::string(text.substr(plus + 1));
        if (!valid_identifiers(v.build, false)) return std::nullopt;
        text = text.substr(0, plus);
    }
    size_t dash = text.find('-');
    if (dash != std::string_view::npos) {
        v.prerelease = std::string(text.substr(dash + 1));
        if (!valid_identifiers(v.prerelease, true)) return std::nullopt;
        text = text.substr(0, dash);
    }
    auto parts = split_dots(text);
    if (parts.size() != 3) return std::nullopt;
    auto ma = number(parts[0]), mi = number(parts[1]), pa = number(parts[2]);
    if (!ma || !mi || !pa) return std::nullopt;
    v.major = *ma;
    v.minor = *mi;
    v.patch = *pa;
    return v;
}

std::string Semver::str() const {
    std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!prerelease.empty()) s += "-" + prerelease;
    if (!build.empty()) s += "+" + build;
    return s;
}

int Semver::compare(const Semver& o) const {
    if (major != o.major) return major < o.major ? -1 : 1;
    if (minor != o.minor) return minor < o.minor ? -1 : 1;
    if (patch != o.patch) return patch < o.patch ? -1 : 1;
    // A version without a pre-release outranks one with it.
    if (prerelease.empty() || o.prerelease.empty()) {
        if (prerelease.empty() && o.prerelease.empty()) return 0;
        return prerelease.empty() ? 1 : -1;
    }
    auto a = split_dots(prerelease), b = split_dots(o.prerelease);
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        bool an = is_digits(a[i]), bn = is_digits(b[i]);
        if (an && bn) {
            auto x = number(a[i]).value_or(0), y = number(b[i]).value_or(0);
            if (x != y) return x < y ? -1 : 1;
        } else if (an != bn) {
            return an ? -1 : 1;  // numeric identifiers sort first
        } else if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    if (a.size() == b.size()) return 0;
    return a.size() < b.size() ? -1 : 1;
}

}  // namespace packhost::core

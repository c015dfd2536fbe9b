#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace packhost::core {

// A strict Semantic Versioning 2.0.0 version ("1.2.3", "1.0.0-rc.1+b5"),
// the rule pack.yaml's `version` follows in StackStorm.
struct Semver {
    unsigned long long major = 0, minor = 0, patch = 0;
    std::string prerelease;  // without the '-'
    std::string build;       // without the '+'; ignored when comparing

    static std::optional<Semver> parse(std::string_view text);
    std::string str() const;
    // <0, 0, >0 by SemVer precedence (build metadata ignored).
    int compare(const Semver& other) const;
};

}  // namespace packhost::core

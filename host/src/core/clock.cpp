#include "core/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace packhost::core {

int64_t now_us() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string iso8601(int64_t unix_us) {
    int64_t secs = unix_us / 1000000;
    int64_t micros = unix_us % 1000000;
    if (micros < 0) {
        micros += 1000000;
        secs -= 1;
    }
    time_t t = static_cast<time_t>(secs);
    tm utc{};
    gmtime_r(&t, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros));
    return buf;
}

std::optional<int64_t> parse_duration_seconds(const std::string& text) {
    if (text.empty()) return std::nullopt;
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 12) return std::nullopt;
    int64_t n = std::stoll(text.substr(0, digits));
    std::string unit = text.substr(digits);
    if (unit.empty() || unit == "s") return n;
    if (unit == "m") return n * 60;
    if (unit == "h") return n * 3600;
    if (unit == "d") return n * 86400;
    if (unit == "w") return n * 7 * 86400;
    return std::nullopt;
}

}  // namespace packhost::core

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

// std::chrono's calendar and digits written in place: gmtime_r and snprintf
// were several per cent of a chat reply's time on a cold CPU (every record view
// formats one per state it went through, and two more).
std::string iso8601(int64_t unix_us) {
    using namespace std::chrono;
    sys_time<microseconds> at{microseconds{unix_us}};
    auto day = floor<days>(at);
    year_month_day ymd{day};
    int64_t in_day = (at - day).count();  // microseconds since midnight, >= 0
    int64_t secs = in_day / 1000000;
    auto put = [](char* p, int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    };
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) {  // outside what four digits say: the slow way
        char buf[64];
        std::snprintf(buf, sizeof buf, "%d-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", y,
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                      static_cast<long long>(secs % 60), static_cast<long long>(in_day % 1000000));
        return buf;
    }
    std::string out = "0000-00-00T00:00:00.000000Z";
    put(&out[0], y, 4);
    put(&out[5], static_cast<unsigned>(ymd.month()), 2);
    put(&out[8], static_cast<unsigned>(ymd.day()), 2);
    put(&out[11], secs / 3600, 2);
    put(&out[14], secs / 60 % 60, 2);
    put(&out[17], secs % 60, 2);
    put(&out[20], in_day % 1000000, 6);
    return out;
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

#include "period.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace openstack {
namespace {

using Clock = std::chrono::system_clock;

std::string format(Clock::time_point t) {
    std::time_t s = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

Clock::time_point parse(const std::string& name, const std::string& text) {
    auto bad = [&](const std::string& why) { return std::invalid_argument(name + ": '" + text + "' " + why); };
    std::tm tm{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%d", &tm);
    if (!rest || text.size() < 10) throw bad("is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SS)");
    if (*rest == 'T' || *rest == ' ') {
        rest = strptime(rest + 1, "%H:%M:%S", &tm);
        if (!rest) throw bad("has no time HH:MM:SS after its date");
        if (*rest == '.') {
            ++rest;
            while (*rest >= '0' && *rest <= '9') ++rest;  // Nova's reports have microseconds; seconds are enough
        }
    }
    std::string zone = rest;
    if (!zone.empty() && zone != "Z" && zone != "+00:00" && zone != "+0000") {
        throw bad("is not in UTC (end it with Z or nothing)");
    }
    // strptime checks ranges field by field, not the day of the month.
    std::tm check = tm;
    std::time_t seconds = timegm(&check);
    if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon) throw bad("is not a day of the calendar");
    return Clock::from_time_t(seconds);
}

}  // namespace

Period usage_period(const std::string& start, const std::string& end, double days, Clock::time_point now) {
    if (!(days > 0) || !std::isfinite(days)) throw std::invalid_argument("days: must be more than 0");
    Clock::time_point e = end.empty() ? now : parse("end", end);
    Clock::time_point s = start.empty() ? e - std::chrono::seconds(static_cast<long long>(std::llround(days * 86400)))
                                        : parse("start", start);
    if (s >= e) throw std::invalid_argument("start: " + format(s) + " is not before end " + format(e));
    Period p;
    p.start = format(s);
    p.end = format(e);
    p.days = std::chrono::duration<double>(e - s).count() / 86400;
    return p;
}

}  // namespace openstack

#include "events/timers/schedule.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>

#include "core/errors.hpp"
#include "core/regex.hpp"
#include "events/trigger_types.hpp"

namespace packhost::events::timers {
namespace {

using std::chrono::seconds;
using sys_seconds = std::chrono::time_point<std::chrono::system_clock, seconds>;

const date::time_zone* zone_named(const Json& parameters) {
    auto it = parameters.find("timezone");
    std::string name = it != parameters.end() && it->is_string() ? it->get<std::string>() : "UTC";
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        throw core::ValidationError("trigger.parameters.timezone: '" + name +
                                    "' is not a time zone of the tz database (e.g. UTC, Europe/Helsinki)");
    }
}

WallTime wall_of(date::local_seconds t) {
    auto day = date::floor<date::days>(t);
    date::year_month_day ymd{day};
    date::hh_mm_ss<seconds> hms{t - day};
    return {static_cast<int>(ymd.year()),
            static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(hms.hours().count()),
            static_cast<int>(hms.minutes().count()),
            static_cast<int>(hms.seconds().count())};
}

date::local_seconds local_of(const WallTime& w) {
    date::local_days day{date::year{w.year} / static_cast<unsigned>(w.month) / static_cast<unsigned>(w.day)};
    return day + std::chrono::hours(w.hour) + std::chrono::minutes(w.minute) + seconds(w.second);
}

// APScheduler's date strings: "YYYY-MM-DD[( |T)HH:MM:SS[.ffffff][Z|±HH:MM]]".
int64_t parse_date(const std::string& text, const date::time_zone* zone) {
    static const auto re = core::Regex::compile(
        R"(^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?)?$)");
    auto found = re.find_all(text, 1);
    if (found.empty()) {
        throw core::ValidationError("trigger.parameters.date: '" + text +
                                    "' is not a date (YYYY-MM-DD HH:MM:SS, optionally .ffffff and Z or ±HH:MM)");
    }
    const auto& m = found[0];  // the groups, "" when one did not take part
    auto num = [&](int i) { return m[i - 1].empty() ? 0 : std::stoi(m[i - 1]); };
    date::year_month_day ymd{date::year{num(1)}, date::month{static_cast<unsigned>(num(2))},
                             date::day{static_cast<unsigned>(num(3))}};
    if (!ymd.ok() || num(4) > 23 || num(5) > 59 || num(6) > 59)
        throw core::ValidationError("trigger.parameters.date: '" + text + "' is not a valid date and time");
    std::string frac = m[6];
    while (frac.size() < 6) frac += '0';
    auto local = date::local_days{ymd} + std::chrono::hours(num(4)) + std::chrono::minutes(num(5)) + seconds(num(6));
    int64_t us = std::stoll(frac);
    int64_t at;
    if (!m[7].empty()) {
        const std::string& tz = m[7];
        int offset =
            tz == "Z" ? 0
                      : (std::stoi(tz.substr(1, 2)) * 3600 + std::stoi(tz.substr(4, 2)) * 60) * (tz[0] == '-' ? -1 : 1);
        at = (local.time_since_epoch().count() - offset);
    } else {
        at = zone->to_sys(local, date::choose::earliest).time_since_epoch().count();
    }
    return at * 1000000 + us;
}

}  // namespace

bool Schedule::is_timer_type(const std::string& type) {
    return type == system_triggers::kIntervalTimer || type == system_triggers::kDateTimer ||
           type == system_triggers::kCronTimer;
}

Schedule Schedule::parse(const std::string& type, const Json& parameters, int64_t set_up_us) {
    Schedule s;
    s.zone_ = zone_named(parameters);
    if (type == system_triggers::kIntervalTimer) {
        static const std::pair<const char*, int64_t> kUnits[] = {
            {"weeks", 604800}, {"days", 86400}, {"hours", 3600}, {"minutes", 60}, {"seconds", 1}};
        std::string unit = parameters.value("unit", "");
        int64_t per = 0;
        for (const auto& [name, secs] : kUnits)
            if (unit == name) per = secs;
        if (per == 0)
            throw core::ValidationError("trigger.parameters.unit: must be weeks, days, hours, minutes or seconds");
        auto delta = parameters.find("delta");
        if (delta == parameters.end() || !delta->is_number_integer() || delta->get<int64_t>() <= 0)
            throw core::ValidationError("trigger.parameters.delta: must be a whole number above 0");
        s.kind_ = Kind::interval;
        s.interval_us_ = delta->get<int64_t>() * per * 1000000;
        s.start_us_ = set_up_us;
    } else if (type == system_triggers::kDateTimer) {
        auto date = parameters.find("date");
        if (date == parameters.end() || !date->is_string())
            throw core::ValidationError("trigger.parameters.date: required, a date and time");
        s.kind_ = Kind::date;
        s.date_us_ = parse_date(date->get<std::string>(), s.zone_);
    } else if (type == system_triggers::kCronTimer) {
        s.kind_ = Kind::cron;
        s.cron_ = CronSpec::parse(parameters);
    } else {
        throw core::ValidationError("'" + type + "' is not a timer trigger type");
    }
    return s;
}

std::optional<int64_t> Schedule::next_after(int64_t after_us) const {
    switch (kind_) {
    case Kind::interval: {
        int64_t k = after_us < start_us_ ? 1 : (after_us - start_us_) / interval_us_ + 1;
        return start_us_ + k * interval_us_;
    }
    case Kind::date:
        if (date_us_ > after_us) return date_us_;
        return std::nullopt;
    case Kind::cron: break;
    }
    // Walk the zone's stretches of one UTC offset from `after` on: in each,
    // the first wall time the cron allows at or after the stretch's first
    // wall time (or after `after`) is the answer if it falls inside the
    // stretch. A wall time skipped by a jump forward belongs to no stretch;
    // one repeated by a jump back belongs to two.
    int64_t from_s = after_us >= 0 ? after_us / 1000000 + 1 : -((-after_us) / 1000000);
    sys_seconds at{seconds(from_s)};
    for (int stretches = 0; stretches < 1000; ++stretches) {
        auto info = zone_->get_info(at);
        auto wall = wall_of(date::local_seconds{(at + info.offset).time_since_epoch()});
        auto next = cron_.next(wall);
        if (!next) return std::nullopt;
        sys_seconds instant{(local_of(*next) - info.offset).time_since_epoch()};
        if (instant < info.end) return static_cast<int64_t>(instant.time_since_epoch().count()) * 1000000;
        at = info.end;
    }
    return std::nullopt;
}

std::string python_utc_text(int64_t unix_us) {
    auto tp = date::sys_time<std::chrono::microseconds>{std::chrono::microseconds(unix_us)};
    auto secs = date::floor<seconds>(tp);
    int64_t frac = unix_us - secs.time_since_epoch().count() * 1000000;
    std::string out = date::format("%Y-%m-%d %H:%M:%S", secs);
    if (frac != 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
        out += buf;
    }
    return out + "+00:00";
}

}  // namespace packhost::events::timers

#pragma once
// StackStorm's core.st2.CronTimer fields with APScheduler's CronTrigger
// semantics, which are not crontab's:
//   - fields: year, month, day, week (ISO week), day_of_week, hour,
//     minute, second; day_of_week 0 is Monday (or mon..sun);
//   - a field not given is '*' when a less significant field is given,
//     else its minimum (month 1, day 1, hour/minute/second 0): hour=5
//     fires at 05:00:00 every day; nothing given fires every second;
//   - every field must hold (day and day_of_week both restrict: AND, not
//     crontab's OR);
//   - expressions: '*', '*/n', 'a', 'a-b', 'a-b/n', 'a/n' (a to the
//     maximum), lists 'x,y'; month names jan..dec and weekday names
//     mon..sun (and their ranges); in day: 'last', '1st'..'5th' or 'last'
//     followed by a weekday name ('last fri').
// This is wall-clock time: which instants a wall time stands for is the
// time zone's business (schedule.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::events::timers {

// A wall-clock time, no zone.
struct WallTime {
    int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    auto operator<=>(const WallTime&) const = default;
};

class CronSpec {
public:
    // From a CronTimer's trigger parameters (timezone is ignored here).
    // Throws core::ValidationError naming the field and the expression.
    static CronSpec parse(const Json& parameters);

    // The earliest wall time >= `from` (whole seconds) that every field
    // allows, or nullopt when none exists before year 9999.
    std::optional<WallTime> next(WallTime from) const;
    bool matches(const WallTime& t) const;

    // One field's parsed expression (a list of alternatives).
    struct Part {
        enum class Kind { range, last_day, nth_weekday } kind = Kind::range;
        int first = 0, last = 0, step = 1;  // range (inclusive)
        int nth = 0;                        // nth_weekday: 1..5, or -1 for last
        int weekday = 0;                    // nth_weekday: 0 = Monday
    };

private:
    enum Field { kYear, kMonth, kDay, kWeek, kDayOfWeek, kHour, kMinute, kSecond, kFields };
    bool field_allows(int field, int value, const WallTime& t) const;
    bool day_allowed(int year, int month, int day) const;
    std::vector<Part> fields_[kFields];
};

// Days in a month of the proleptic Gregorian calendar.
int days_in_month(int year, int month);
// 0 = Monday.
int weekday_of(int year, int month, int day);
// The ISO 8601 week number (1..53).
int iso_week_of(int year, int month, int day);

}  // namespace packhost::events::timers

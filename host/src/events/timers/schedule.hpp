#pragma once
// When a timer trigger fires: core.st2.IntervalTimer (unit, delta: every
// delta units from when it was set up), core.st2.DateTimer (date, once)
// and core.st2.CronTimer (cron.hpp), each in its `timezone` (an IANA name
// read from the system's tz database; UTC when not given). Times are
// microseconds since the Unix epoch.
//
// Cron times are wall-clock times, as APScheduler documents: on the day
// clocks go forward a wall time that does not exist does not fire; on the
// day they go back one that happens twice fires twice.
#include <cstdint>
#include <optional>
#include <string>

#include "core/json_value.hpp"
#include "events/timers/cron.hpp"

namespace date {
class time_zone;
}

namespace packhost::events::timers {

class Schedule {
public:
    // From a timer trigger type's ref and a rule's trigger parameters;
    // `set_up_us` is when the timer starts counting (intervals). Throws
    // core::ValidationError naming the parameter.
    static Schedule parse(const std::string& type, const Json& parameters, int64_t set_up_us);
    static bool is_timer_type(const std::string& type);

    // The first fire time strictly after `after_us`; nullopt when there is
    // none (a date already passed, a cron that never matches again).
    std::optional<int64_t> next_after(int64_t after_us) const;

private:
    enum class Kind { interval, date, cron } kind_ = Kind::interval;
    int64_t start_us_ = 0;     // interval: when counting began
    int64_t interval_us_ = 0;  // interval
    int64_t date_us_ = 0;      // date
    CronSpec cron_;
    const date::time_zone* zone_ = nullptr;
};

// A time as Python prints an aware UTC datetime ("2026-12-03
// 15:55:00.123456+00:00"), the form of StackStorm's timer payload's
// executed_at.
std::string python_utc_text(int64_t unix_us);

}  // namespace packhost::events::timers

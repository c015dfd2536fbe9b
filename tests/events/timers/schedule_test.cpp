// When timers fire: a table of (timer, parameters, start, the next fire
// times) for APScheduler's cron semantics (fields' defaults, day_of_week 0
// = Monday, 'last', 'last fri', ISO weeks), Feb 29, intervals across a DST
// change, dates in a zone, and the days clocks change: a wall time that
// does not exist does not fire, one that happens twice fires twice (the
// Europe/Helsinki example of APScheduler's documentation). Bad parameters
// are named.
#include "events/timers/schedule.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <sstream>

#include "core/errors.hpp"

using namespace packhost;
using packhost::events::timers::Schedule;

namespace {

// GCC 12 at -O3 (and in a unity batch) sees a variable of date.h's parser
// as maybe uninitialised: a false positive in a header not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
int64_t utc(const std::string& iso) {
    std::istringstream in(iso);
    date::sys_time<std::chrono::microseconds> tp;
    in >> date::parse("%FT%TZ", tp);
    EXPECT_FALSE(in.fail()) << iso;
    return tp.time_since_epoch().count();
}
#pragma GCC diagnostic pop

// Fire times are whole seconds.
std::string iso(int64_t us) {
    EXPECT_EQ(us % 1000000, 0);
    return date::format("%FT%TZ", date::sys_seconds{std::chrono::seconds(us / 1000000)});
}

struct Case {
    const char* type;
    const char* parameters;
    const char* start;
    std::vector<std::string> expected;  // the next fire times, in order; "none" when they end
};

const char* kCron = "core.st2.CronTimer";

const Case kCases[] = {
    // A field less significant than every given one takes its minimum.
    {kCron, R"({"hour": 5})", "2026-12-03T10:00:00Z", {"2026-12-04T05:00:00Z", "2026-12-05T05:00:00Z"}},
    {kCron, R"({})", "2026-12-03T10:00:00.500Z", {"2026-12-03T10:00:01Z", "2026-12-03T10:00:02Z"}},
    {kCron, R"({"minute": "*/15"})", "2026-12-03T10:07:00Z", {"2026-12-03T10:15:00Z", "2026-12-03T10:30:00Z"}},
    {kCron,
     R"({"second": "*/20", "minute": 59, "hour": 23})",
     "2026-12-31T23:59:30Z",
     {"2026-12-31T23:59:40Z", "2027-01-01T23:59:00Z"}},
    // day_of_week 0 is Monday; day and day_of_week must both hold.
    {kCron,
     R"({"day_of_week": "mon-fri", "hour": 9, "minute": 30})",
     "2026-12-04T10:00:00Z",
     {"2026-12-07T09:30:00Z", "2026-12-08T09:30:00Z"}},
    {kCron, R"({"day_of_week": 0})", "2026-12-03T10:00:00Z", {"2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"}},
    {kCron,
     R"({"day": 13, "day_of_week": "fri"})",
     "2026-01-01T00:00:00Z",
     {"2026-02-13T00:00:00Z", "2026-03-13T00:00:00Z", "2026-11-13T00:00:00Z"}},
    {kCron,
     R"({"month": "jan,jul", "day": 1, "hour": 0})",
     "2026-12-03T00:00:00Z",
     {"2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"}},
    // Feb 29 and the last day of the month.
    {kCron, R"({"month": 2, "day": 29})", "2026-01-01T00:00:00Z", {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
    {kCron,
     R"({"month": "feb", "day": "last"})",
     "2027-01-01T00:00:00Z",
     {"2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"}},
    {kCron,
     R"({"day": 31})",
     "2026-12-03T00:00:00Z",
     {"2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"}},
    {kCron,
     R"({"day": "last fri", "hour": 17})",
     "2026-12-01T00:00:00Z",
     {"2026-12-25T17:00:00Z", "2027-01-29T17:00:00Z"}},
    {kCron, R"({"day": "2nd mon"})", "2026-12-01T00:00:00Z", {"2026-12-14T00:00:00Z", "2027-01-11T00:00:00Z"}},
    // ISO weeks: week 1 of 2028 starts on Monday, January 3rd.
    {kCron,
     R"({"week": 1, "day_of_week": "mon"})",
     "2026-12-03T00:00:00Z",
     {"2027-01-04T00:00:00Z", "2028-01-03T00:00:00Z"}},
    {kCron,
     R"({"year": 2027, "month": 12, "day": 25, "hour": 8})",
     "2026-12-03T00:00:00Z",
     {"2027-12-25T08:00:00Z", "none"}},
    // The days clocks change, in New York (2026) and in APScheduler's own
    // example, Europe/Helsinki (2027).
    {kCron,
     R"({"hour": 2, "minute": 30, "timezone": "America/New_York"})",
     "2026-03-07T12:00:00Z",
     {"2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}},
    {kCron,
     R"({"hour": 1, "minute": 30, "timezone": "America/New_York"})",
     "2026-11-01T04:00:00Z",
     {"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"}},
    {kCron,
     R"({"hour": 3, "minute": 30, "timezone": "Europe/Helsinki"})",
     "2027-03-27T12:00:00Z",
     {"2027-03-29T00:30:00Z", "2027-03-30T00:30:00Z"}},
    {kCron,
     R"({"hour": 3, "minute": 30, "timezone": "Europe/Helsinki"})",
     "2027-10-30T12:00:00Z",
     {"2027-10-31T00:30:00Z", "2027-10-31T01:30:00Z", "2027-11-01T01:30:00Z"}},
    {kCron,
     R"({"minute": "*/30", "timezone": "America/New_York"})",
     "2026-11-01T05:10:00Z",
     {"2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z"}},
    // Intervals are elapsed time from when they were set up, whatever the clocks say.
    {"core.st2.IntervalTimer",
     R"({"unit": "seconds", "delta": 30})",
     "2026-12-03T10:00:00Z",
     {"2026-12-03T10:00:30Z", "2026-12-03T10:01:00Z"}},
    {"core.st2.IntervalTimer",
     R"({"unit": "hours", "delta": 24, "timezone": "America/New_York"})",
     "2026-03-07T17:00:00Z",
     {"2026-03-08T17:00:00Z", "2026-03-09T17:00:00Z"}},
    {"core.st2.IntervalTimer",
     R"({"unit": "weeks", "delta": 1})",
     "2028-02-22T00:00:00Z",
     {"2028-02-29T00:00:00Z", "2028-03-07T00:00:00Z"}},
    // Dates, in their zone or with their own offset; once.
    {"core.st2.DateTimer",
     R"({"date": "2027-02-28 23:59:59", "timezone": "Asia/Tokyo"})",
     "2026-12-03T00:00:00Z",
     {"2027-02-28T14:59:59Z", "none"}},
    {"core.st2.DateTimer",
     R"({"date": "2028-02-29T12:00:00+02:00"})",
     "2026-12-03T00:00:00Z",
     {"2028-02-29T10:00:00Z", "none"}},
    {"core.st2.DateTimer", R"({"date": "2020-01-01 00:00:00"})", "2026-12-03T00:00:00Z", {"none"}},
};

}  // namespace

TEST(TimerSchedule, NextFireTimesFollowTheTable) {
    for (const auto& c : kCases) {
        SCOPED_TRACE(std::string(c.type) + " " + c.parameters + " from " + c.start);
        int64_t at = utc(c.start);
        auto schedule = Schedule::parse(c.type, Json::parse(c.parameters), at);
        for (const auto& want : c.expected) {
            auto next = schedule.next_after(at);
            if (want == "none") {
                EXPECT_FALSE(next) << iso(*next);
                break;
            }
            ASSERT_TRUE(next) << "expected " << want;
            EXPECT_EQ(iso(*next), want);
            at = *next;
        }
    }
}

TEST(TimerSchedule, BadParametersAreNamed) {
    auto problem = [](const char* type, const char* parameters) {
        try {
            Schedule::parse(type, Json::parse(parameters), 0);
        } catch (const core::ValidationError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(problem(kCron, R"({"hour": 24})").find("trigger.parameters.hour: '24': higher than the maximum (23)"),
              std::string::npos);
    EXPECT_NE(problem(kCron, R"({"day_of_week": "funday"})").find("trigger.parameters.day_of_week"), std::string::npos);
    EXPECT_NE(problem(kCron, R"({"minute": "*/0"})").find("the step must be higher than 0"), std::string::npos);
    EXPECT_NE(problem(kCron, R"({"hour": "5-3"})").find("the first value is higher than the last"), std::string::npos);
    EXPECT_NE(problem(kCron, R"({"day": "9th fri"})").find("trigger.parameters.day"), std::string::npos);
    EXPECT_NE(problem(kCron, R"({"timezone": "Mars/Olympus"})").find("'Mars/Olympus' is not a time zone"),
              std::string::npos);
    EXPECT_NE(
        problem("core.st2.IntervalTimer", R"({"unit": "fortnights", "delta": 1})").find("trigger.parameters.unit"),
        std::string::npos);
    EXPECT_NE(problem("core.st2.IntervalTimer", R"({"unit": "seconds", "delta": 0})").find("trigger.parameters.delta"),
              std::string::npos);
    EXPECT_NE(problem("core.st2.DateTimer", R"({"date": "tomorrow"})").find("'tomorrow' is not a date"),
              std::string::npos);
    EXPECT_NE(problem("core.st2.DateTimer", R"({"date": "2027-02-29 00:00:00"})").find("not a valid date"),
              std::string::npos);
}

TEST(TimerSchedule, ExecutedAtIsWrittenAsPythonWritesAUtcDatetime) {
    EXPECT_EQ(events::timers::python_utc_text(utc("2026-12-03T15:55:00.123456Z")), "2026-12-03 15:55:00.123456+00:00");
    EXPECT_EQ(events::timers::python_utc_text(utc("2026-12-03T15:55:00Z")), "2026-12-03 15:55:00+00:00");
}

#include "events/timers/cron.hpp"

#include <date/date.h>
#include <date/iso_week.h>

#include <array>
#include <cctype>

#include "core/errors.hpp"

namespace packhost::events::timers {
namespace {

constexpr std::array<const char*, 8> kNames = {"year",        "month", "day",    "week",
                                               "day_of_week", "hour",  "minute", "second"};
constexpr std::array<int, 8> kMin = {1970, 1, 1, 1, 0, 0, 0, 0};
constexpr std::array<int, 8> kMax = {9999, 12, 31, 53, 6, 23, 59, 59};
// APScheduler's DEFAULT_VALUES: what a field less significant than every
// given one becomes ('*' is -1 here).
constexpr std::array<int, 8> kDefault = {-1, 1, 1, -1, -1, 0, 0, 0};

constexpr std::array<const char*, 7> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};

std::string trim_lower(std::string s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A name of the field's (month or weekday) or a number; -1 when neither.
int value_of(const std::string& text, int field) {
    if (field == 1) {
        for (size_t i = 0; i < kMonths.size(); ++i)
            if (text == kMonths[i]) return static_cast<int>(i) + 1;
    }
    if (field == 4) {
        for (size_t i = 0; i < kWeekdays.size(); ++i)
            if (text == kWeekdays[i]) return static_cast<int>(i);
    }
    if (text.empty() || text.size() > 6) return -1;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    return std::stoi(text);
}

int weekday_index(const std::string& name) {
    for (size_t i = 0; i < kWeekdays.size(); ++i)
        if (name == kWeekdays[i]) return static_cast<int>(i);
    return -1;
}

CronSpec::Part parse_part(const std::string& text, int field, const std::string& where) {
    auto bad = [&](const std::string& why) { return core::ValidationError(where + ": '" + text + "': " + why); };
    CronSpec::Part p;
    std::string body = text;
    if (auto slash = body.find('/'); slash != std::string::npos) {
        int step = value_of(body.substr(slash + 1), -1);
        if (step < 0) throw bad("the step after '/' must be a number");
        if (step == 0) throw bad("the step must be higher than 0");
        p.step = step;
        body = body.substr(0, slash);
    }
    if (field == 2 && p.step == 1) {
        if (body == "last") {
            p.kind = CronSpec::Part::Kind::last_day;
            return p;
        }
        if (auto space = body.find(' '); space != std::string::npos) {
            static const std::array<const char*, 6> kNth = {"1st", "2nd", "3rd", "4th", "5th", "last"};
            std::string nth = body.substr(0, space), day = trim_lower(body.substr(space + 1));
            for (size_t i = 0; i < kNth.size(); ++i) {
                if (nth != kNth[i]) continue;
                p.kind = CronSpec::Part::Kind::nth_weekday;
                p.nth = i == 5 ? -1 : static_cast<int>(i) + 1;
                p.weekday = weekday_index(day);
                if (p.weekday < 0) throw bad("'" + day + "' is not a weekday name (mon..sun)");
                return p;
            }
            throw bad("expected 1st..5th or last before the weekday name");
        }
    }
    if (body == "*") {
        p.first = kMin[field];
        p.last = kMax[field];
        return p;
    }
    std::string first = body, last;
    if (auto dash = body.find('-'); dash != std::string::npos) {
        first = body.substr(0, dash);
        last = body.substr(dash + 1);
    }
    p.first = value_of(first, field);
    if (p.first < 0) throw bad("not a value of this field");
    if (!last.empty()) {
        p.last = value_of(last, field);
        if (p.last < 0) throw bad("not a value of this field");
    } else {
        // 'a/n' runs from a to the field's maximum; 'a' is a alone.
        p.last = p.step > 1 || text.find('/') != std::string::npos ? kMax[field] : p.first;
    }
    if (p.first < kMin[field]) throw bad("lower than the minimum (" + std::to_string(kMin[field]) + ")");
    if (p.last > kMax[field]) throw bad("higher than the maximum (" + std::to_string(kMax[field]) + ")");
    if (p.first > p.last) throw bad("the first value is higher than the last");
    if (p.step > 1 && p.step > p.last - p.first + 1 && !last.empty()) {
        throw bad("the step is higher than the range");
    }
    return p;
}

}  // namespace

int days_in_month(int year, int month) {
    using namespace date;
    return static_cast<int>(
        static_cast<unsigned>((date::year{year} / date::month{static_cast<unsigned>(month)} / date::last).day()));
}

int weekday_of(int year, int month, int day) {
    date::sys_days d = date::year{year} / static_cast<unsigned>(month) / static_cast<unsigned>(day);
    return static_cast<int>(date::weekday{d}.iso_encoding()) - 1;
}

int iso_week_of(int year, int month, int day) {
    date::sys_days d = date::year{year} / static_cast<unsigned>(month) / static_cast<unsigned>(day);
    return static_cast<int>(static_cast<unsigned>(iso_week::year_weeknum_weekday{d}.weeknum()));
}

CronSpec CronSpec::parse(const Json& parameters) {
    if (!parameters.is_object()) throw core::ValidationError("CronTimer parameters must be a mapping");
    int last_given = -1;
    for (int f = 0; f < kFields; ++f) {
        auto it = parameters.find(kNames[f]);
        if (it != parameters.end() && !it->is_null()) last_given = f;
    }
    CronSpec spec;
    std::vector<std::string> problems;
    for (int f = 0; f < kFields; ++f) {
        const std::string where = std::string("trigger.parameters.") + kNames[f];
        auto it = parameters.find(kNames[f]);
        std::string text;
        if (it != parameters.end() && !it->is_null()) {
            if (it->is_number_integer()) {
                text = std::to_string(it->get<int64_t>());
            } else if (it->is_string()) {
                text = it->get<std::string>();
            } else {
                problems.push_back(where + ": must be a number or a cron expression (a string)");
                continue;
            }
        } else if (f > last_given && last_given >= 0 && kDefault[f] >= 0) {
            text = std::to_string(kDefault[f]);
        } else {
            text = "*";
        }
        size_t start = 0;
        while (start <= text.size()) {
            size_t comma = text.find(',', start);
            std::string piece =
                trim_lower(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            try {
                if (piece.empty()) throw core::ValidationError(where + ": '" + text + "': an empty list entry");
                spec.fields_[f].push_back(parse_part(piece, f, where));
            } catch (const core::ValidationError& e) {
                problems.insert(problems.end(), e.problems().begin(), e.problems().end());
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    if (!problems.empty()) throw core::ValidationError(problems);
    return spec;
}

bool CronSpec::field_allows(int field, int value, const WallTime& t) const {
    for (const auto& p : fields_[field]) {
        switch (p.kind) {
        case Part::Kind::range:
            if (value >= p.first && value <= p.last && (value - p.first) % p.step == 0) return true;
            break;
        case Part::Kind::last_day:
            if (value == days_in_month(t.year, t.month)) return true;
            break;
        case Part::Kind::nth_weekday: {
            if (weekday_of(t.year, t.month, value) != p.weekday) break;
            if (p.nth > 0 ? (value - 1) / 7 + 1 == p.nth : value + 7 > days_in_month(t.year, t.month)) return true;
            break;
        }
        }
    }
    return false;
}

bool CronSpec::day_allowed(int year, int month, int day) const {
    WallTime t{year, month, day, 0, 0, 0};
    return field_allows(kDay, day, t) && field_allows(kWeek, iso_week_of(year, month, day), t) &&
           field_allows(kDayOfWeek, weekday_of(year, month, day), t);
}

bool CronSpec::matches(const WallTime& t) const {
    return field_allows(kYear, t.year, t) && field_allows(kMonth, t.month, t) && day_allowed(t.year, t.month, t.day) &&
           field_allows(kHour, t.hour, t) && field_allows(kMinute, t.minute, t) && field_allows(kSecond, t.second, t);
}

std::optional<WallTime> CronSpec::next(WallTime t) const {
    // Each step moves to the start of the next candidate of the most
    // significant field that fails, so the search is a few hundred steps a
    // day at worst.
    auto next_day = [](WallTime& w) {
        w.hour = w.minute = w.second = 0;
        if (++w.day > days_in_month(w.year, w.month)) {
            w.day = 1;
            if (++w.month > 12) {
                w.month = 1;
                ++w.year;
            }
        }
    };
    while (t.year <= kMax[kYear]) {
        if (!field_allows(kYear, t.year, t)) {
            t = {t.year + 1, 1, 1, 0, 0, 0};
        } else if (!field_allows(kMonth, t.month, t)) {
            t = t.month == 12 ? WallTime{t.year + 1, 1, 1, 0, 0, 0} : WallTime{t.year, t.month + 1, 1, 0, 0, 0};
        } else if (!day_allowed(t.year, t.month, t.day)) {
            next_day(t);
        } else if (!field_allows(kHour, t.hour, t)) {
            if (++t.hour > 23) {
                next_day(t);
            } else {
                t.minute = t.second = 0;
            }
        } else if (!field_allows(kMinute, t.minute, t)) {
            if (++t.minute > 59) {
                t.minute = 0;
                if (++t.hour > 23) next_day(t);
            }
            t.second = 0;
        } else if (!field_allows(kSecond, t.second, t)) {
            if (++t.second > 59) {
                t.second = 0;
                if (++t.minute > 59) {
                    t.minute = 0;
                    if (++t.hour > 23) next_day(t);
                }
            }
        } else {
            return t;
        }
    }
    return std::nullopt;
}

}  // namespace packhost::events::timers

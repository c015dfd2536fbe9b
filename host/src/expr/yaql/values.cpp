// YAQL's conversions, numbers, booleans and branching (standard_library/
// math.py, boolean.py, branching.py, date_time.py's now()).
#include <chrono>
#include <cmath>
#include <ctime>
#include <random>

#include "expr/yaql/library.hpp"

namespace packhost::expr::yaql::lib {
namespace {

Value to_int(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (j.is_null()) return Json(0);
    if (j.is_boolean()) return Json(j.get<bool>() ? 1 : 0);
    if (j.is_number_integer() || j.is_number_unsigned()) return Json(as_int(j));
    if (j.is_number_float()) {
        double d = j.get<double>();
        if (!std::isfinite(d) || std::fabs(d) > 9.2e18) throw EvalError("OverflowError: cannot convert to integer");
        return Json(static_cast<int64_t>(d));
    }
    if (j.is_string()) {
        std::string s = builtin::strip(j.get<std::string>(), "", true, true);
        size_t used = 0;
        try {
            long long v = std::stoll(s, &used, 10);
            if (used == s.size()) return Json(static_cast<int64_t>(v));
        } catch (const std::exception&) {
        }
        throw EvalError("ValueError: invalid literal for int() with base 10: '" + j.get<std::string>() + "'");
    }
    a.no_match();
}

Value to_float(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (j.is_null()) return Json(0.0);
    if (j.is_boolean()) return Json(j.get<bool>() ? 1.0 : 0.0);
    if (numeric(j)) return Json(as_double(j));
    if (j.is_string()) {
        std::string s = builtin::strip(j.get<std::string>(), "", true, true);
        size_t used = 0;
        try {
            double v = std::stod(s, &used);
            if (used == s.size()) return Json(v);
        } catch (const std::exception&) {
        }
        throw EvalError("ValueError: could not convert string to float: '" + j.get<std::string>() + "'");
    }
    a.no_match();
}

Value to_bool(Args& a) {
    a.expect_count(1, 1);
    return Json(truthy(a.at(0)));
}

Value is_integer(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    return Json((j.is_number_integer() || j.is_number_unsigned()) && !j.is_boolean());
}

Value is_number(Args& a) {
    a.expect_count(1, 1);
    return Json(numeric(json_at(a, 0)));
}

Value is_boolean(Args& a) {
    a.expect_count(1, 1);
    return Json(json_at(a, 0).is_boolean());
}

Value abs_(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (!numeric(j)) a.no_match();
    if (j.is_number_float()) return Json(std::fabs(j.get<double>()));
    int64_t v = as_int(j);
    if (v == INT64_MIN) throw EvalError("integer overflow");
    return Json(v < 0 ? -v : v);
}

Value sign(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (!numeric(j)) a.no_match();
    double d = as_double(j);
    return Json(d > 0 ? 1 : d < 0 ? -1 : 0);
}

Value power(Args& a) {
    a.expect_count(2, 3);
    const Json& x = json_at(a, 0);
    const Json& y = json_at(a, 1);
    if (!numeric(x) || !numeric(y)) a.no_match();
    if (!x.is_number_float() && !y.is_number_float() && as_int(y) >= 0) {
        int64_t base = as_int(x), e = as_int(y), r = 1;
        int64_t mod = a.size() > 2 ? int_at(a, 2) : 0;
        for (int64_t i = 0; i < e; ++i) {
            Budget::charge_steps(1);
            if (mod) {
                r = static_cast<int64_t>((__int128(r) * base) % mod);
            } else if (__builtin_mul_overflow(r, base, &r)) {
                throw EvalError("integer overflow");
            }
        }
        return Json(r);
    }
    return Json(std::pow(as_double(x), as_double(y)));
}

// Python's round(number, ndigits): halves to even, a float back.
Value round_(Args& a) {
    a.expect_count(1, 2);
    const Json& j = json_at(a, 0);
    if (!numeric(j)) a.no_match();
    if (a.size() == 1 && !j.is_number_float()) return a.at(0);  // an integer stays one
    int64_t digits = a.size() > 1 ? int_at(a, 1) : 0;
    double v = as_double(j);
    if (digits <= 0 || digits > 300 || !std::isfinite(v)) {
        double scale = std::pow(10.0, static_cast<double>(-digits));
        return Json(std::nearbyint(v / scale) * scale);
    }
    // The decimal nearest to the double itself (2.675 is 2.67499...), as Python rounds.
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(digits), v);
    return Json(std::strtod(buf, nullptr));
}

std::mt19937_64& generator() {
    thread_local std::mt19937_64 g{std::random_device{}()};
    return g;
}

Value random_(Args& a) {
    a.expect_count(0, 2);
    if (a.size() == 0) return Json(std::uniform_real_distribution<double>(0.0, 1.0)(generator()));
    a.expect_count(2, 2);
    int64_t from = int_at(a, 0), to = int_at(a, 1);
    if (to < from)
        throw EvalError("ValueError: empty range for random(" + std::to_string(from) + ", " + std::to_string(to) + ")");
    return Json(std::uniform_int_distribution<int64_t>(from, to)(generator()));
}

Value coalesce(Args& a) {
    for (size_t i = 0; i < a.size(); ++i) {
        if (a.has(i) && !json_at(a, i).is_null()) return a.at(i);
    }
    return Json(nullptr);
}

// default(value, fallback): the fallback when the value is null.
Value default_(Args& a) {
    a.expect_count(2, 2);
    return json_at(a, 0).is_null() ? a.at(1) : a.at(0);
}

// switch(condition => value, ...): the value of the first true condition.
Value switch_(Args& a) {
    if (a.size() != 0) a.no_match();
    auto& in = a.interpreter();
    for (const Node* m : a.mappings()) {
        if (truthy(in.eval(*m->kids[0]))) return in.eval(*m->kids[1]);
    }
    return Json(nullptr);
}

// now(): the time as Python prints a UTC datetime.
Value now(Args& a) {
    a.expect_count(0, 0);
    auto t = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(t);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
    return Json(std::string(buf));
}

Value not_(Args& a) {
    a.expect_count(1, 1);
    return Json(!truthy(a.at(0)));
}

}  // namespace

void add_values(Table& t) {
    t.insert(t.end(), {
                          {"int", to_int},
                          {"float", to_float},
                          {"bool", to_bool},
                          {"isInteger", is_integer},
                          {"isNumber", is_number},
                          {"isBoolean", is_boolean},
                          {"abs", abs_},
                          {"sign", sign},
                          {"pow", power},
                          {"round", round_},
                          {"random", random_},
                          {"coalesce", coalesce},
                          {"default", default_},
                          {"switch", switch_},
                          {"now", now},
                          {"not", not_},
                      });
}

}  // namespace packhost::expr::yaql::lib

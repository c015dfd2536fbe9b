#pragma once
// The period a usage report covers, in the form Nova's
// os-simple-tenant-usage takes (UTC, "YYYY-MM-DDTHH:MM:SS").
#include <chrono>
#include <stdexcept>
#include <string>

namespace openstack {

struct Period {
    std::string start;  // "2026-11-04T10:00:00"
    std::string end;
    double days = 0;  // end - start
};

// From the action's parameters: `end` (default `now`) and `start` (default
// `days` before the end). Each may be a date ("2026-11-04") or a UTC time
// ("2026-11-04T10:00:00", a space for the T, optional fraction and Z or
// +00:00). Throws std::invalid_argument naming the parameter for a value
// that is not one, another time zone, a start not before the end, or
// days <= 0.
Period usage_period(const std::string& start, const std::string& end, double days,
                    std::chrono::system_clock::time_point now);

}  // namespace openstack

#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace packhost::core {

// Wall-clock time in microseconds since the Unix epoch (what records store).
int64_t now_us();

// CLOCK_MONOTONIC in nanoseconds (what deadlines use; same clock as the
// ABI's ph_call_v1.deadline_ns).
int64_t monotonic_ns();

// "2026-11-25T17:48:25.123456Z": ISO 8601, UTC, microseconds.
std::string iso8601(int64_t unix_us);

// "90s", "15m", "12h", "30d", or plain seconds; nullopt when malformed.
std::optional<int64_t> parse_duration_seconds(const std::string& text);

}  // namespace packhost::core

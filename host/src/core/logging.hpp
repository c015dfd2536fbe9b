#pragma once
#include <string>

namespace packhost::core {

enum class LogFormat { text, json };

// Points spdlog's default logger at stderr: human lines
// ("2026-11-25T17:48:25.123456Z warn  message") or one JSON object per line
// ({"ts":..., "level":..., "logger":..., "msg":...}). Level names as spdlog
// spells them (trace, debug, info, warn, error, critical, off); throws
// core::ValidationError on an unknown one.
void setup_logging(const std::string& level, LogFormat format);

}  // namespace packhost::core

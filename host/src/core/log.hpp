#pragma once
// The host's log for every file but the one that sets it up
// (core/logging.cpp): spdlog's default logger behind a small header. A file
// that includes spdlog compiles its implementation (15-25 s per file on the
// CI's machines); this header costs about a second.
#include <fmt/core.h>

#include <string_view>
#include <utility>

namespace packhost::core::log {

enum class Level { trace, debug, info, warn, error, critical, off };

// Whether the logger writes `level` (a message is formatted only then).
bool enabled(Level level);
void write(Level level, std::string_view message);
// Sets the level (benchmarks and tests that want quiet).
void set_level(Level level);
// Flushes and drops the loggers before the process exits.
void shutdown();

template <typename... Args>
void at(Level level, fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    at(Level::debug, format, std::forward<Args>(args)...);
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    at(Level::info, format, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    at(Level::warn, format, std::forward<Args>(args)...);
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
    at(Level::error, format, std::forward<Args>(args)...);
}

}  // namespace packhost::core::log

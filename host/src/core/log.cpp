#include "core/log.hpp"

#include <spdlog/spdlog.h>

namespace packhost::core::log {
namespace {

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::critical: return spdlog::level::critical;
    case Level::off: break;
    }
    return spdlog::level::off;
}

}  // namespace

bool enabled(Level level) { return spdlog::default_logger_raw()->should_log(to_spdlog(level)); }

void write(Level level, std::string_view message) { spdlog::default_logger_raw()->log(to_spdlog(level), message); }

void set_level(Level level) { spdlog::set_level(to_spdlog(level)); }

void shutdown() { spdlog::shutdown(); }

}  // namespace packhost::core::log

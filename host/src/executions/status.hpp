#pragma once
#include <optional>
#include <string_view>

namespace packhost::executions {

// StackStorm's execution statuses, with its names.
enum class Status {
    requested, scheduled, delayed, running, succeeded, failed, timeout, abandoned,
    canceling, canceled, pending, pausing, paused, resuming,
};

std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view text);
// succeeded, failed, timeout, canceled, abandoned.
bool is_terminal(Status s);

}  // namespace packhost::executions

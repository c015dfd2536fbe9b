#pragma once
// The statuses a task and the workflow take inside the conductor: an
// execution's statuses (core::Status) plus Orquesta's "null" (a task not
// started yet) and "retrying", with the groups of Orquesta's statuses.py.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.hpp"

namespace packhost::workflows::orquesta {

enum class Status : uint8_t {
    unset,
    requested,
    scheduled,
    delayed,
    running,
    pending,
    pausing,
    paused,
    resuming,
    succeeded,
    failed,
    timeout,
    abandoned,
    retrying,
    canceling,
    canceled,
};

// Orquesta's names: "null" for unset, "timeout" for expired.
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view text);

Status from_execution(core::Status s);

bool is_starting(Status s);   // requested, scheduled, delayed, running, pending
bool is_running(Status s);    // requested, scheduled, delayed, running, resuming, retrying
bool is_active(Status s);     // requested, scheduled, delayed, running, resuming, pausing, canceling
bool is_pause(Status s);      // pausing, paused
bool is_cancel(Status s);     // canceling, canceled
bool is_abended(Status s);    // failed, timeout, abandoned
bool is_completed(Status s);  // succeeded, failed, timeout, abandoned, canceled

}  // namespace packhost::workflows::orquesta

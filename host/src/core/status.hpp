#pragma once
// Execution statuses (StackStorm's names), the groups they fall in and the
// moves allowed between them, held as data in one place, the way Orquesta's
// statuses.py and machines.py hold them. The scheduler, the store, the
// workflow engines and the CLI all ask this table; no status travels as a
// bare string below the CLI's printing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace packhost::core {

enum class Status : uint8_t {
    requested,
    scheduled,
    delayed,
    running,
    succeeded,
    failed,
    timeout,
    abandoned,
    canceling,
    canceled,
    pending,
    pausing,
    paused,
    resuming,
};

std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view text);
// "requested, scheduled, ..." for messages that list what is valid.
std::string status_names();

// Completed: succeeded, failed, timeout, canceled, abandoned. Nothing
// moves an execution out of these.
bool is_completed(Status s);
// Active: something is still going to happen (requested, delayed,
// scheduled, running, pending, canceling, pausing, resuming).
bool is_active(Status s);
// What `to` may follow `from`; the one table every transition is checked against.
bool can_transition(Status from, Status to);

// What may be asked of an execution owned by another process.
enum class Control : uint8_t { cancel, pause, resume };
std::string_view to_string(Control c);
std::optional<Control> parse_control(std::string_view text);
// Whether an execution in `s` is where `c` asked it to be: canceled (any
// end counts, for every request), paused, or running again after a resume.
// What the CLI waits for, here or over HTTP.
bool control_reached(Control c, Status s);

}  // namespace packhost::core

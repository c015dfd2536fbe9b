#include "core/status.hpp"

#include <array>
#include <utility>

namespace packhost::core {
namespace {

using S = Status;

constexpr std::array<std::pair<Status, std::string_view>, 14> kNames{{
    {S::requested, "requested"},
    {S::scheduled, "scheduled"},
    {S::delayed, "delayed"},
    {S::running, "running"},
    {S::succeeded, "succeeded"},
    {S::failed, "failed"},
    {S::timeout, "timeout"},
    {S::abandoned, "abandoned"},
    {S::canceling, "canceling"},
    {S::canceled, "canceled"},
    {S::pending, "pending"},
    {S::pausing, "pausing"},
    {S::paused, "paused"},
    {S::resuming, "resuming"},
}};

// Allowed moves: from -> the statuses it may go to. Any active status may
// also end as abandoned (its process died) or timeout (its deadline).
struct Moves {
    Status from;
    std::initializer_list<Status> to;
};
const Moves kMoves[] = {
    // Not accepted (the store could not record it) ends as failed.
    {S::requested, {S::scheduled, S::delayed, S::canceled, S::failed}},
    {S::delayed, {S::scheduled, S::canceled}},
    {S::scheduled, {S::running, S::canceled, S::failed}},
    {S::running, {S::succeeded, S::failed, S::canceling, S::canceled, S::pausing, S::pending}},
    {S::pending, {S::running, S::canceling, S::canceled, S::failed}},
    // A canceled action may still end with its own outcome.
    {S::canceling, {S::canceled, S::succeeded, S::failed}},
    // A workflow asked to pause may finish before its running tasks do.
    {S::pausing, {S::paused, S::resuming, S::running, S::canceling, S::canceled, S::succeeded, S::failed}},
    {S::paused, {S::resuming, S::canceling, S::canceled}},
    {S::resuming, {S::running, S::pausing, S::paused, S::canceling, S::canceled, S::succeeded, S::failed}},
};

}  // namespace

std::string_view to_string(Status s) {
    for (const auto& [st, name] : kNames) {
        if (st == s) return name;
    }
    return "unknown";
}

std::optional<Status> parse_status(std::string_view text) {
    for (const auto& [st, name] : kNames) {
        if (name == text) return st;
    }
    return std::nullopt;
}

std::string status_names() {
    std::string out;
    for (const auto& [st, name] : kNames) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

bool is_completed(Status s) {
    return s == S::succeeded || s == S::failed || s == S::timeout || s == S::canceled || s == S::abandoned;
}

bool is_active(Status s) { return !is_completed(s) && s != S::paused; }

bool can_transition(Status from, Status to) {
    if (is_completed(from)) return false;
    if (to == S::abandoned || to == S::timeout) return true;
    for (const auto& m : kMoves) {
        if (m.from != from) continue;
        for (Status t : m.to) {
            if (t == to) return true;
        }
    }
    return false;
}

std::string_view to_string(Control c) {
    switch (c) {
    case Control::cancel: return "cancel";
    case Control::pause: return "pause";
    case Control::resume: return "resume";
    }
    return "unknown";
}

std::optional<Control> parse_control(std::string_view text) {
    for (Control c : {Control::cancel, Control::pause, Control::resume}) {
        if (to_string(c) == text) return c;
    }
    return std::nullopt;
}

bool control_reached(Control c, Status s) {
    if (is_completed(s)) return true;
    switch (c) {
    case Control::cancel: return false;  // only its end counts
    case Control::pause: return s == Status::paused;
    case Control::resume: return s != Status::paused && s != Status::pausing && s != Status::resuming;
    }
    return false;
}

}  // namespace packhost::core

#include "workflows/orquesta/statuses.hpp"

#include <array>
#include <utility>

namespace packhost::workflows::orquesta {
namespace {

using S = Status;

constexpr std::array<std::pair<Status, std::string_view>, 16> kNames{{
    {S::unset, "null"},
    {S::requested, "requested"},
    {S::scheduled, "scheduled"},
    {S::delayed, "delayed"},
    {S::running, "running"},
    {S::pending, "pending"},
    {S::pausing, "pausing"},
    {S::paused, "paused"},
    {S::resuming, "resuming"},
    {S::succeeded, "succeeded"},
    {S::failed, "failed"},
    {S::timeout, "timeout"},
    {S::abandoned, "abandoned"},
    {S::retrying, "retrying"},
    {S::canceling, "canceling"},
    {S::canceled, "canceled"},
}};

}  // namespace

std::string_view to_string(Status s) {
    for (const auto& [st, name] : kNames) {
        if (st == s) return name;
    }
    return "null";
}

std::optional<Status> parse_status(std::string_view text) {
    for (const auto& [st, name] : kNames) {
        if (name == text) return st;
    }
    return std::nullopt;
}

Status from_execution(core::Status s) {
    auto parsed = parse_status(core::to_string(s));
    return parsed ? *parsed : S::failed;
}

bool is_starting(Status s) {
    return s == S::requested || s == S::scheduled || s == S::delayed || s == S::running || s == S::pending;
}
bool is_running(Status s) {
    return s == S::requested || s == S::scheduled || s == S::delayed || s == S::running || s == S::resuming ||
           s == S::retrying;
}
bool is_active(Status s) {
    return s == S::requested || s == S::scheduled || s == S::delayed || s == S::running || s == S::resuming ||
           s == S::pausing || s == S::canceling;
}
bool is_pause(Status s) { return s == S::pausing || s == S::paused; }
bool is_cancel(Status s) { return s == S::canceling || s == S::canceled; }
bool is_abended(Status s) { return s == S::failed || s == S::timeout || s == S::abandoned; }
bool is_completed(Status s) { return s == S::succeeded || is_abended(s) || s == S::canceled; }

}  // namespace packhost::workflows::orquesta

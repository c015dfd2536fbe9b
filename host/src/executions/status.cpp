#include "executions/status.hpp"

#include <array>
#include <utility>

namespace packhost::executions {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 14> kNames{{
    {Status::requested, "requested"}, {Status::scheduled, "scheduled"}, {Status::delayed, "delayed"},
    {Status::running, "running"},     {Status::succeeded, "succeeded"}, {Status::failed, "failed"},
    {Status::timeout, "timeout"},     {Status::abandoned, "abandoned"}, {Status::canceling, "canceling"},
    {Status::canceled, "canceled"},   {Status::pending, "pending"},     {Status::pausing, "pausing"},
    {Status::paused, "paused"},       {Status::resuming, "resuming"},
}};

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

bool is_terminal(Status s) {
    return s == Status::succeeded || s == Status::failed || s == Status::timeout || s == Status::canceled ||
           s == Status::abandoned;
}

}  // namespace packhost::executions

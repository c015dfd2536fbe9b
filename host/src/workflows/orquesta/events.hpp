#pragma once
// What the conductor is told about a task (Orquesta's events.py): its
// action execution changed status, one item of it did, or an engine
// command (continue, fail, noop, retry) applies to it.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/json_value.hpp"
#include "workflows/orquesta/statuses.hpp"

namespace packhost::workflows::orquesta {

struct Event {
    enum class Kind { action, item, engine };

    Kind kind = Kind::action;
    Status status = Status::unset;
    std::string name;  // "action_succeeded", "task_fail_requested", ...
    Json result;       // the action execution's result (action, item)
    size_t item = 0;   // item events: which item
    // Item events: every item's result so far (null where none), read only
    // when the event completes the task; borrowed for the call, so that
    // 10,000 items do not copy 10,000 results each.
    const Json* accumulated = nullptr;

    static Event action(Status s, Json result = nullptr) {
        return {Kind::action, s, "action_" + std::string(to_string(s)), std::move(result), 0, nullptr};
    }
    static Event item_event(size_t item, Status s, Json result = nullptr, const Json* accumulated = nullptr) {
        return {Kind::item, s, "action_" + std::string(to_string(s)), std::move(result), item, accumulated};
    }
    // `command` is continue, fail, noop or retry.
    static Event engine(std::string_view command) {
        Status s = command == "fail" ? Status::failed : command == "retry" ? Status::retrying : Status::succeeded;
        return {Kind::engine, s, "task_" + std::string(command) + "_requested", nullptr, 0, nullptr};
    }
};

}  // namespace packhost::workflows::orquesta

#include "workflows/workflow_run.hpp"

#include <chrono>

#include "core/log.hpp"

namespace packhost::workflows {

WorkflowRun::WorkflowRun(actions::Invocation& invocation, std::string what)
    : inv_(invocation), orch_(*invocation.orchestration()), limits_(orch_.workflow_limits()), what_(std::move(what)) {}

void WorkflowRun::start() { post({Posted::Kind::start, {}, {}}); }
void WorkflowRun::restore() { post({Posted::Kind::restore, {}, {}}); }
void WorkflowRun::cancel() { post({Posted::Kind::cancel, {}, {}}); }
void WorkflowRun::pause() { post({Posted::Kind::pause, {}, {}}); }
void WorkflowRun::resume() { post({Posted::Kind::resume, {}, {}}); }

void WorkflowRun::post(Posted event) {
    auto self = shared_from_this();  // finishing may release the execution's hold on us
    events_.post(std::move(event), [this](Posted& e) {
        if (finished_) return;
        try {
            handle(e);
            if (!finished_) after_event();
        } catch (const std::exception& ex) {
            core::log::error("{} {}: {}", what_, inv_.execution_id(), ex.what());
            if (!finished_) {
                on_error(std::string(e.kind == Posted::Kind::restore ? "cannot continue: " : "internal error: ") +
                         ex.what());
            }
        }
    });
}

void WorkflowRun::handle(Posted& e) {
    switch (e.kind) {
    case Posted::Kind::start: on_start(); break;
    case Posted::Kind::restore: on_restore(); break;
    case Posted::Kind::child_end: on_child_end(e.key, e.end); break;
    case Posted::Kind::timer:
        --timers_;
        on_timer(e.key);
        break;
    case Posted::Kind::cancel: on_cancel(); break;
    case Posted::Kind::pause: on_pause(); break;
    case Posted::Kind::resume: on_resume(); break;
    }
}

std::string WorkflowRun::start_child(const std::string& action, Json parameters, Json context, Key key) {
    std::weak_ptr<WorkflowRun> weak = weak_from_this();
    return orch_.start_child(inv_, action, std::move(parameters), std::move(context),
                             [weak, key](actions::ChildEnd end) {
                                 if (auto self = weak.lock())
                                     self->post({Posted::Kind::child_end, key, std::move(end)});
                             });
}

void WorkflowRun::after(double seconds, Key key) {
    ++timers_;
    std::weak_ptr<WorkflowRun> weak = weak_from_this();
    orch_.after(std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9)), [weak, key] {
        if (auto self = weak.lock()) self->post({Posted::Kind::timer, key, {}});
    });
}

bool WorkflowRun::write(actions::StatePart part) {
    state_bytes_ += part.state.size();
    orch_.record_state(inv_, std::move(part));
    return state_bytes_ <= limits_.max_state_bytes;
}

std::vector<actions::StatePart> WorkflowRun::recorded_state() {
    auto parts = orch_.recorded_state(inv_.execution_id());
    for (const auto& p : parts) state_bytes_ += p.state.size();
    return parts;
}

std::optional<actions::ChildEnd> WorkflowRun::settle_child(
    const std::vector<const actions::Orchestration::RecordedChild*>& recorded, const std::string& noted,
    const std::string& action, const Json& context) {
    // A child abandoned before it ever ran does not count: the task runs it again.
    const actions::Orchestration::RecordedChild* last = nullptr;
    bool noted_recorded = false;
    for (const auto* c : recorded) {
        if (c->end.id == noted) noted_recorded = true;
        if (c->started || !c->ended || c->end.status != core::Status::abandoned) last = c;
    }
    if (last) {
        if (last->ended) return last->end;
        return actions::ChildEnd{last->end.id, core::Status::abandoned,
                                 Json{{"error", "its workflow's process ended"}}};
    }
    if (!noted.empty() && !noted_recorded) {
        // It was handed out and left no record: a native action that was
        // queued or running when the process ended.
        Json why{{"error", "the packhost process running it ended before the execution finished"}};
        orch_.record_lost_child(inv_, noted, action, context, why);
        return actions::ChildEnd{noted, core::Status::abandoned, why};
    }
    return std::nullopt;
}

void WorkflowRun::finish(actions::RunOutcome outcome) {
    if (finished_) return;
    finished_ = true;
    orch_.finish(inv_, std::move(outcome));
}

}  // namespace packhost::workflows

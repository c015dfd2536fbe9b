#include "workflows/orquesta/run.hpp"

#include <algorithm>

namespace packhost::workflows::orquesta {
namespace {

// StackStorm's eval_action_execution_delay: a task's delay holds back its
// action, or with items the first `concurrency` of them (all without one).
double action_delay(const TaskRequest& t, const ActionRequest& a) {
    if (!t.delay || *t.delay <= 0) return 0;
    if (!t.items_count || !t.concurrency) return *t.delay;
    return a.item && static_cast<int64_t>(*a.item) < *t.concurrency ? *t.delay : 0;
}

}  // namespace

Run::Run(std::shared_ptr<const Workflow> workflow, actions::Invocation& invocation, expr::TemplateCache& cache)
    : WorkflowRun(invocation, "workflow"), workflow_(std::move(workflow)), cache_(cache) {}

// The datastore, read as this run's user, for st2kv() in expressions.
HostLookups Run::lookups() {
    return {[this](const std::string& scope, const std::string& name, bool decrypt) {
        return orch_.datastore_value(inv_, scope, name, decrypt);
    }};
}

// --- events --------------------------------------------------------------------------

void Run::on_start() {
    // What StackStorm puts in ctx().st2.
    Json st2{{"action_execution_id", inv_.execution_id()},
             {"workflow_execution_id", inv_.execution_id()},
             {"user", inv_.user()},
             {"api_user", inv_.user()},
             {"pack", nullptr},
             {"api_url", nullptr}};  // there until known: a strict expression reading it must not fail
    Json context = Json::object();
    if (auto c = Json::parse(inv_.context_json(), nullptr, false); c.is_object()) {
        for (const char* key : {"pack", "source_channel", "api_url"}) {
            if (c.contains(key)) st2[key] = c[key];
        }
        if (c.contains("parent")) context["parent"] = c["parent"];
    }
    context["st2"] = std::move(st2);
    conductor_ =
        std::make_unique<Conductor>(workflow_->graph, cache_, Json(inv_.parameters()), std::move(context), lookups());
    if (conductor_->workflow_status() == Status::unset) conductor_->request_workflow_status(Status::running);
    request_next_tasks();
}

void Run::on_child_end(const Key&, const actions::ChildEnd& end) {
    auto it = children_.find(end.id);
    if (it == children_.end()) return;
    Target target = std::move(it->second);
    children_.erase(it);
    ended(target, end);
    request_next_tasks();
}

void Run::on_timer(const Key& key) {
    auto it = delayed_.find({key.task, key.attempt, key.item});
    if (it == delayed_.end()) return;  // canceled meanwhile
    auto [target, action] = std::move(it->second);
    delayed_.erase(it);
    launch(target, action);
    request_next_tasks();
}

void Run::on_cancel() {
    if (is_completed(conductor_->workflow_status())) return;
    conductor_->request_workflow_status(Status::canceled);
    // Starts still waiting for their delay never happen.
    auto delayed = std::move(delayed_);
    delayed_.clear();
    for (const auto& [key, start] : delayed) ended(start.first, {"", core::Status::canceled, nullptr});
    for (const auto& [id, target] : children_) cancel_child(id);
}

void Run::on_pause() {
    Status s = conductor_->workflow_status();
    if (is_completed(s) || is_pause(s)) return;
    conductor_->request_workflow_status(Status::paused);
}

void Run::on_resume() {
    Status s = conductor_->workflow_status();
    if (!is_pause(s)) return;
    conductor_->request_workflow_status(Status::resuming);
    reported_paused_ = false;
    orch_.paused(inv_, false);
    request_next_tasks();
}

void Run::on_error(const std::string& message) {
    Json errors = Json::array();
    if (conductor_) errors = conductor_->errors();
    errors.push_back(Json{{"type", "error"}, {"message", message}});
    for (const auto& [id, target] : children_) cancel_child(id);
    finish({actions::RunOutcome::Kind::failed, Json{{"output", nullptr}, {"errors", std::move(errors)}}});
}

void Run::after_event() {
    record();
    conclude();
}

// --- tasks ---------------------------------------------------------------------------

void Run::request_next_tasks() {
    while (true) {
        auto next = conductor_->get_next_tasks();
        if (next.empty()) return;
        // A new task state per task that does not run already (items do).
        size_t added = 0;
        for (const auto& t : next) {
            auto i = conductor_->state().latest(t.id, t.route);
            if (!i || is_completed(conductor_->state().sequence()[*i].status)) ++added;
        }
        size_t ran = conductor_->state().sequence().size();
        if (ran + added > limits_.max_tasks) {
            fail("the workflow ran " + std::to_string(ran) +
                 " tasks, the most one workflow may run (a loop that never ends? the limit is --workflow-max-tasks)");
            return;
        }
        for (const auto& t : next) {
            try {
                if (t.items_count && *t.items_count == 0) {
                    conductor_->update_task_state(t.id, t.route, Event::action(Status::running));
                }
                for (const auto& a : t.actions) {
                    conductor_->update_task_state(
                        t.id, t.route,
                        a.item ? Event::item_event(*a.item, Status::running) : Event::action(Status::running));
                }
            } catch (const std::exception& e) {
                // A retry count or delay that does not evaluate: as StackStorm's
                // engine does, the workflow fails, naming the task.
                conductor_->log_error(e.what(), t.id, t.route);
                if (!is_completed(conductor_->workflow_status())) conductor_->request_workflow_status(Status::failed);
                return;
            }
        }
        for (const auto& t : next) request_task(t);
    }
}

void Run::request_task(const TaskRequest& t) {
    if (!t.actions.empty() && t.actions[0].action.empty()) {
        // No action: it succeeds by itself.
        conductor_->update_task_state(t.id, t.route, Event::action(Status::succeeded));
        return;
    }
    if (t.items_count && *t.items_count == 0) {
        conductor_->update_task_state(t.id, t.route, Event::action(Status::succeeded));
        return;
    }
    for (const auto& a : t.actions) start_action(t.id, t.route, a, action_delay(t, a));
}

Run::Key Run::key_of(const std::string& task, int route, std::optional<size_t> item) const {
    Key key;
    auto index = conductor_->state().latest(task, route);
    key.task = index ? static_cast<int64_t>(*index) : -1;
    if (index) {
        const auto& entry = conductor_->state().sequence()[*index];
        key.attempt = entry.retry ? entry.retry->tally : 0;
    }
    key.item = item ? static_cast<int64_t>(*item) : -1;
    return key;
}

Json Run::child_context(const std::string& task, int route, const Key& key) const {
    // Built field by field: nlohmann's initializer lists copy every value.
    Json c = Json::object();
    Json& o = c["orquesta"] = Json::object();
    o.get_ref<Json::object_t&>().reserve(7);
    o["workflow_execution_id"] = inv_.execution_id();
    o["task_name"] = task;
    o["task_id"] = task;
    o["task_route"] = route;
    o["seq"] = key.task;
    o["attempt"] = key.attempt;
    if (key.item >= 0) o["item_id"] = key.item;
    return c;
}

void Run::start_action(const std::string& task, int route, const ActionRequest& action, double delay) {
    Target target{task, route, action.item};
    if (delay > 0) {
        Key key = key_of(task, route, action.item);
        delayed_[{key.task, key.attempt, key.item}] = {target, action};
        after(delay, key);
        return;
    }
    launch(target, action);
}

void Run::launch(const Target& target, const ActionRequest& action) {
    Key key = key_of(target.task, target.route, target.item);
    try {
        std::string id = start_child(action.action, action.input, child_context(target.task, target.route, key), key);
        children_[id] = target;
        if (!target.item) conductor_->note_child(target.task, target.route, id);
    } catch (const std::exception& e) {
        // As StackStorm does when an action execution cannot be requested
        // (unknown action, invalid input): the workflow fails.
        conductor_->log_error(e.what(), target.task, target.route);
        if (!is_completed(conductor_->workflow_status())) conductor_->request_workflow_status(Status::failed);
    }
}

void Run::ended(const Target& target, const actions::ChildEnd& end) {
    Status status = from_execution(end.status);
    if (!target.item) {
        conductor_->update_task_state(target.task, target.route, Event::action(status, Json(end.result)));
        return;
    }
    auto& results = item_results_[{target.task, target.route}];
    if (!results.is_array()) results = Json::array();
    size_t size = *target.item + 1;
    if (const StagedTask* s = conductor_->state().find_staged(target.task, target.route); s && s->items) {
        size = std::max(size, s->items->size());
    }
    while (results.size() < size) results.push_back(nullptr);
    results[*target.item] = Json(end.result);
    conductor_->update_task_state(target.task, target.route,
                                  Event::item_event(*target.item, status, Json(end.result), &results));
}

void Run::fail(const std::string& message) {
    conductor_->log_error(message);
    if (!is_completed(conductor_->workflow_status())) conductor_->request_workflow_status(Status::failed);
}

// --- recording and the end --------------------------------------------------------------

void Run::record() {
    for (int round = 0; round < 2; ++round) {
        bool within = true;
        for (auto& part : conductor_->take_changes()) within = write(std::move(part)) && within;
        if (within || over_limit_) return;
        over_limit_ = true;
        // Nothing new starts; the tasks running finish. The failure is
        // recorded in a last round.
        fail("the workflow's recorded state grew past " + std::to_string(limits_.max_state_bytes >> 20) +
             " MiB, the most one workflow may record (the limit is --workflow-max-state)");
    }
}

void Run::conclude() {
    Status s = conductor_->workflow_status();
    if (s == Status::paused) {
        if (!reported_paused_) {
            reported_paused_ = true;
            orch_.paused(inv_, true);
        }
        return;
    }
    if (!is_completed(s) || !children_.empty() || !delayed_.empty()) return;
    conductor_->render_workflow_output();
    record();
    s = conductor_->workflow_status();
    Json result{{"output", conductor_->output() ? *conductor_->output() : Json(nullptr)}};
    if (is_abended(s)) result["errors"] = conductor_->errors();
    actions::RunOutcome::Kind kind = s == Status::succeeded  ? actions::RunOutcome::Kind::succeeded
                                     : s == Status::canceled ? actions::RunOutcome::Kind::canceled
                                                             : actions::RunOutcome::Kind::failed;
    finish({kind, std::move(result)});
}

// --- restoring ------------------------------------------------------------------------

void Run::on_restore() {
    auto parts = recorded_state();
    if (parts.empty()) {  // it ended before recording anything: start afresh
        on_start();
        return;
    }
    conductor_ = std::make_unique<Conductor>(workflow_->graph, cache_, WorkflowState::restore(parts), lookups());
    const auto& state = conductor_->state();

    // The children recorded for each task run (and item), oldest first.
    auto recorded = orch_.recorded_children(inv_.execution_id());
    std::map<KeyTuple, std::vector<const actions::Orchestration::RecordedChild*>> by_key;
    for (const auto& c : recorded) {
        auto o = c.context.find("orquesta");
        if (o == c.context.end() || !o->is_object()) continue;
        by_key[{o->value("seq", int64_t{-1}), o->value("attempt", int64_t{0}), o->value("item_id", int64_t{-1})}]
            .push_back(&c);
    }
    // Results of what completed (task() reads them), by the last child of each.
    for (const auto& [key, children] : by_key) {
        const auto& [seq, attempt, item] = key;
        if (seq < 0 || static_cast<size_t>(seq) >= state.sequence().size() || !children.back()->ended) continue;
        const auto& entry = state.sequence()[static_cast<size_t>(seq)];
        if (item >= 0) {
            auto& results = item_results_[{entry.id, entry.route}];
            if (!results.is_array()) results = Json::array();
            while (results.size() <= static_cast<size_t>(item)) results.push_back(nullptr);
            results[static_cast<size_t>(item)] = Json(children.back()->end.result);
        } else if (is_completed(entry.status)) {
            conductor_->note_result(static_cast<size_t>(seq), Json(children.back()->end.result));
        }
    }

    // Tasks that were running: how their children ended while nobody
    // listened, or start them again when they never ran.
    std::vector<std::pair<Target, actions::ChildEnd>> ends;
    std::vector<std::pair<Target, ActionRequest>> restarts;
    auto children_of = [&](const Key& k) {
        auto it = by_key.find({k.task, k.attempt, k.item});
        return it == by_key.end() ? std::vector<const actions::Orchestration::RecordedChild*>{} : it->second;
    };
    for (size_t i = 0; i < state.sequence().size(); ++i) {
        const auto& entry = state.sequence()[i];
        if (!state.is_latest(i) || !is_active(entry.status)) continue;
        const Node& node = workflow_->graph->at(entry.id);
        if (!node.task || node.task->action.empty()) continue;
        if (!node.task->items) {
            Key key = key_of(entry.id, entry.route, std::nullopt);
            Target target{entry.id, entry.route, std::nullopt};
            if (auto end = settle_child(children_of(key), entry.child, node.task->action,
                                        child_context(entry.id, entry.route, key))) {
                ends.emplace_back(target, *end);
            } else {
                restarts.emplace_back(target, conductor_->render_task(entry.id, entry.route).actions.at(0));
            }
            continue;
        }
        // Items: those with an execution (of this attempt) had started; how
        // they ended is fed again, in item order. The others start as the
        // concurrency allows.
        const StagedTask* staged = state.find_staged(entry.id, entry.route);
        if (!staged || !staged->items) continue;
        size_t count = staged->items->size();
        for (size_t item = 0; item < count; ++item) {
            Key key = key_of(entry.id, entry.route, item);
            auto recorded_children = children_of(key);
            if (recorded_children.empty()) continue;
            Target target{entry.id, entry.route, item};
            if (auto end =
                    settle_child(recorded_children, "", node.task->action, child_context(entry.id, entry.route, key))) {
                conductor_->note_item_started(entry.id, entry.route, item);
                ends.emplace_back(target, *end);
            }
        }
    }
    for (const auto& [target, action] : restarts) launch(target, action);
    for (const auto& [target, end] : ends) ended(target, end);
    request_next_tasks();
}

}  // namespace packhost::workflows::orquesta

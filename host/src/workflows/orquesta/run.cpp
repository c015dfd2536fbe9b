#include "workflows/orquesta/run.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "workflows/expressions.hpp"

namespace packhost::workflows::orquesta {
namespace {


// A name argument: 'text', or a bare name as YAQL writes it (ctx(hosts),
// item(host)), which Jinja sees as an undefined variable of that name.
std::string arg_text(const expr::CallArgs& a, size_t i, const char* name, const char* fn) {
    const auto* v = a.get(i, name);
    if (v && v->is_undefined()) {
        const auto& hint = v->hint();
        auto end = hint.find("' is undefined");
        if (!hint.empty() && hint[0] == '\'' && end != std::string::npos) return hint.substr(1, end - 1);
    }
    if (!v || !v->json().is_string()) throw expr::EvalError(std::string(fn) + "(): '" + name + "' must be a string");
    return v->json().get<std::string>();
}

bool is_number(const Json& j) { return j.is_number() && !j.is_boolean(); }

// What a task's child carries in its action_context: which task it runs for.
Json child_context(const std::string& task, int64_t seq, int attempt) {
    return {{"orquesta", {{"task_name", task}, {"seq", seq}, {"attempt", attempt}}}};
}

// `do: retry` runs the task again at most this many times.
constexpr int kRetryCommandLimit = 3;

}  // namespace

Run::Run(std::shared_ptr<const Workflow> workflow, actions::Invocation& invocation, expr::TemplateCache& cache)
    : wf_(std::move(workflow)),
      inv_(invocation),
      orch_(*invocation.orchestration()),
      cache_(cache),
      limits_(orch_.workflow_limits()) {
    expr::add_global_functions(context_);
    context_.define_function("ctx", [this](expr::CallArgs& a) -> expr::Value {
        a.check("ctx", {"name"});
        if (!a.get(0, "name")) return expr::Value::borrow(*scope_.ctx);
        std::string name = arg_text(a, 0, "name", "ctx");
        auto it = scope_.ctx->find(name);
        if (it == scope_.ctx->end()) throw expr::EvalError("ctx(): variable '" + name + "' is not defined");
        return expr::Value::borrow(*it);
    });
    context_.define_function("result", [this](expr::CallArgs& a) -> expr::Value {
        a.check("result", {});
        if (!scope_.task) throw expr::EvalError("result() is only known in a task's transitions and retry");
        return expr::Value::borrow(scope_.task->result);
    });
    context_.define_function("item", [this](expr::CallArgs& a) -> expr::Value {
        a.check("item", {"name"});
        if (!scope_.item) throw expr::EvalError("item() is only known in a task with items");
        if (!a.get(0, "name")) return expr::Value::borrow(*scope_.item);
        std::string name = arg_text(a, 0, "name", "item");
        const auto& names = wf_->tasks[scope_.task->task].item_names;
        for (size_t i = 0; i < names.size(); ++i) {
            if (names[i] != name) continue;
            if (names.size() == 1) return expr::Value::borrow(*scope_.item);
            if (scope_.item->is_array() && i < scope_.item->size()) return expr::Value::borrow((*scope_.item)[i]);
        }
        throw expr::EvalError("item(): no item named '" + name + "'");
    });
    auto status_is = [this](const char* fn, std::vector<State> states) {
        return [this, fn, states](expr::CallArgs& a) -> expr::Value {
            a.check(fn, {});
            if (!scope_.task) throw expr::EvalError(std::string(fn) + "() is only known in a task's transitions");
            for (auto s : states) {
                if (scope_.task->state == s) return Json(true);
            }
            return Json(false);
        };
    };
    context_.define_function("succeeded", status_is("succeeded", {State::succeeded}));
    context_.define_function("failed", status_is("failed", {State::failed}));
    context_.define_function("completed", status_is("completed", {State::succeeded, State::failed}));
    context_.define_function("task_status", [this](expr::CallArgs& a) -> expr::Value {
        a.check("task_status", {"task_name"});
        auto it = latest_.find(arg_text(a, 0, "task_name", "task_status"));
        if (it == latest_.end()) return Json(nullptr);
        return Json(state_name(runs_.at(it->second).state));
    });
    context_.define_function("task", [this](expr::CallArgs& a) -> expr::Value {
        a.check("task", {"task_name"});
        std::string name = arg_text(a, 0, "task_name", "task");
        auto it = latest_.find(name);
        if (it == latest_.end()) throw expr::EvalError("task(): task '" + name + "' has not run");
        const auto& t = runs_.at(it->second);
        return Json{{"task_name", name}, {"task_id", name}, {"status", state_name(t.state)}, {"result", t.result},
                    {"workflow_execution_id", inv_.execution_id()}};
    });
}

std::string Run::state_name(State s) const {
    switch (s) {
    case State::waiting: return "waiting";
    case State::delayed: return "delayed";
    case State::running: return "running";
    case State::succeeded: return "succeeded";
    case State::failed: return "failed";
    }
    return "?";
}

// --- events -----------------------------------------------------------------

void Run::start() { post(Event(Event::Kind::start)); }
void Run::restore() { post(Event(Event::Kind::restore)); }
void Run::cancel() { post(Event(Event::Kind::cancel)); }
void Run::pause() { post(Event(Event::Kind::pause)); }
void Run::resume() { post(Event(Event::Kind::resume)); }

void Run::post(Event event) {
    auto self = shared_from_this();  // finishing may release the execution's hold on us
    events_.post(std::move(event), [this](Event& e) {
        if (finished_) return;
        try {
            handle(e);
        } catch (const std::exception& ex) {
            // A state that cannot be read back, or a bug: end the workflow
            // with the reason rather than hang it (or take the host down).
            spdlog::error("workflow {}: {}", inv_.execution_id(), ex.what());
            fail_workflow("", std::string(e.kind == Event::Kind::restore ? "cannot continue: " : "internal error: ") +
                                  ex.what());
            canceling_ = false;
            in_flight_ = 0;
            timers_ = 0;
            finish();
        }
    });
}

void Run::handle(Event& e) {
    switch (e.kind) {
    case Event::Kind::start: begin(); break;
    case Event::Kind::restore: reload(); break;
    case Event::Kind::child_end: {
        auto it = runs_.find(e.seq);
        if (it == runs_.end() || it->second.attempts != e.attempt) break;
        auto& t = it->second;
        if (t.children.erase(e.end.id) == 0) break;
        --t.in_flight;
        --in_flight_;
        child_ended(t, e.item, e.end);
        break;
    }
    case Event::Kind::timer: {
        --timers_;
        auto it = runs_.find(e.seq);
        if (it == runs_.end() || it->second.attempts != e.attempt || it->second.state != State::delayed) break;
        launch(it->second);
        break;
    }
    case Event::Kind::cancel:
        canceling_ = true;
        parked_.clear();
        for (auto& [seq, t] : runs_) {
            for (const auto& [id, item] : t.children) orch_.cancel_child(id);
        }
        break;
    case Event::Kind::pause:
        paused_ = true;
        reported_paused_ = false;
        break;
    case Event::Kind::resume: {
        paused_ = false;
        reported_paused_ = false;
        record_workflow();
        orch_.paused(inv_, false);
        auto parked = std::move(parked_);
        parked_.clear();
        for (auto seq : parked) {
            auto it = runs_.find(seq);
            if (it == runs_.end()) continue;
            if (it->second.has_items && it->second.state == State::running) {
                items_progress(it->second);
            } else {
                launch(it->second);
            }
        }
        break;
    }
    }
    forget_superseded();
    check_done();
}

void Run::forget_superseded() {
    for (int64_t seq : superseded_) {
        auto it = runs_.find(seq);
        if (it == runs_.end()) continue;
        const auto& t = it->second;
        bool ended = t.state == State::succeeded || t.state == State::failed;
        auto latest = latest_.find(wf_->tasks[t.task].name);
        if (ended && t.children.empty() && (latest == latest_.end() || latest->second != seq)) runs_.erase(it);
    }
    superseded_.clear();
}

// --- starting -----------------------------------------------------------------

void Run::begin() {
    Json params = Json(inv_.parameters());
    Json ctx = Json::object();
    try {
        for (const auto& [name, def] : wf_->input) {
            if (params.contains(name) && !params[name].is_null()) {
                ctx[name] = params[name];
            } else {
                ctx[name] = def ? eval(*def, nullptr, ctx) : Json(nullptr);
            }
        }
        ctx["st2"] = {{"action_execution_id", inv_.execution_id()}, {"user", inv_.user()},
                      {"api_user", inv_.user()}};
        if (auto c = Json::parse(inv_.context_json(), nullptr, false); c.is_object()) {
            if (c.contains("pack")) ctx["st2"]["pack"] = c["pack"];
            if (c.contains("source_channel")) ctx["st2"]["source_channel"] = c["source_channel"];
        }
        for (const auto& [name, value] : wf_->vars) ctx[name] = eval(value, nullptr, ctx);
    } catch (const std::exception& ex) {
        fail_workflow("", std::string("input/vars: ") + ex.what());
        record_workflow();
        return;
    }
    final_ctx_ = ctx;
    Ctx root = new_context(std::move(ctx), Json());
    record_workflow();
    for (size_t i : wf_->start) arrive(i, root);
}

void Run::arrive(size_t task, const Ctx& ctx) {
    if (failing_ || canceling_) return;
    const auto& spec = wf_->tasks[task];
    if (spec.join != 0) {
        // One run per join: later arrivals merge into the one waiting.
        auto it = latest_.find(spec.name);
        if (it != latest_.end() && runs_.at(it->second).state == State::waiting) {
            auto& t = runs_.at(it->second);
            Json merged = *t.ctx.value;
            for (const auto& [k, v] : ctx.value->items()) merged[k] = v;
            t.ctx = new_context(std::move(merged), Json{{"base", t.ctx.id}, {"merge", ctx.id}});
            ++t.arrivals;
            int need = spec.join < 0 ? static_cast<int>(wf_->inbound[task]) : spec.join;
            if (t.arrivals >= need) {
                launch(t);
            } else {
                record(t);
            }
            return;
        }
    }
    if (static_cast<size_t>(next_seq_) >= limits_.max_tasks) {
        fail_workflow(spec.name, "the workflow ran " + std::to_string(next_seq_) +
                                     " tasks, the most one workflow may run (a loop that never ends? the limit is "
                                     "--workflow-max-tasks)");
        return;
    }
    int64_t seq = next_seq_++;
    auto& t = runs_[seq];
    t.seq = seq;
    t.task = task;
    t.ctx = ctx;
    t.arrivals = 1;
    if (auto previous = latest_.find(spec.name); previous != latest_.end()) superseded_.push_back(previous->second);
    latest_[spec.name] = seq;
    int need = spec.join == 0 ? 1 : spec.join < 0 ? static_cast<int>(wf_->inbound[task]) : spec.join;
    if (t.arrivals >= need) {
        launch(t);
    } else {
        record(t);
    }
}

void Run::after(double seconds, int64_t seq, int attempt) {
    ++timers_;
    std::weak_ptr<Run> weak = weak_from_this();
    orch_.after(std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9)), [weak, seq, attempt] {
        if (auto self = weak.lock()) self->post(Event(Event::Kind::timer, seq, attempt));
    });
}

void Run::launch(TaskRun& t) {
    if (failing_ || canceling_) return;
    const auto& spec = wf_->tasks[t.task];
    if (paused_) {
        parked_.push_back(t.seq);
        t.state = State::waiting;
        record(t);
        return;
    }
    // A delay applies once per run of the task, before its first attempt.
    if (!spec.delay.is_null() && t.state == State::waiting) {
        double seconds = 0;
        try {
            Json d = eval(spec.delay, &t, *t.ctx.value);
            if (!is_number(d)) throw std::runtime_error("delay must be a number of seconds, got " + d.dump());
            seconds = d.get<double>();
        } catch (const std::exception& ex) {
            t.state = State::failed;
            t.error = ex.what();
            task_ended(t);
            return;
        }
        if (seconds > 0) {
            t.state = State::delayed;
            record(t);
            after(seconds, t.seq, t.attempts);
            return;
        }
    }
    t.state = State::running;
    t.result = nullptr;
    t.error.clear();
    if (spec.action.empty()) {  // a task that only transitions
        t.state = State::succeeded;
        task_ended(t);
        return;
    }
    if (spec.items) {
        if (!prepare_items(t)) return;
        t.todo.resize(t.items.size());
        for (size_t i = 0; i < t.todo.size(); ++i) t.todo[i] = i;
        record(t);
        items_progress(t);
        return;
    }
    start_child(t, 0, nullptr);
    if (t.state == State::running) record(t);  // with its child's id
}

// Evaluates the task's items and concurrency; false when that failed (and
// the task ended).
bool Run::prepare_items(TaskRun& t) {
    const auto& spec = wf_->tasks[t.task];
    t.has_items = true;
    try {
        t.items = eval(Json(*spec.items), &t, *t.ctx.value);
        if (!t.items.is_array()) {
            throw std::runtime_error("with items must be a list, got " + expr::python_type(t.items) + " " +
                                     t.items.dump(-1, ' ', false, Json::error_handler_t::replace));
        }
        t.concurrency = 0;
        if (!spec.concurrency.is_null()) {
            Json c = eval(spec.concurrency, &t, *t.ctx.value);
            if (!c.is_number_integer() || c.get<int64_t>() <= 0) {
                throw std::runtime_error("with concurrency must be a positive number, got " + c.dump());
            }
            t.concurrency = static_cast<size_t>(c.get<int64_t>());
        }
    } catch (const std::exception& ex) {
        t.state = State::failed;
        t.error = ex.what();
        t.result = Json{{"error", t.error}};
        task_ended(t);
        return false;
    }
    t.todo.clear();
    t.cursor = t.ended_items = t.failed_items = 0;
    t.item_results.assign(t.items.size(), nullptr);
    return true;
}

// Starts items while the concurrency allows; ends the task once every item
// has ended (or, when failing or canceling, once none runs).
void Run::items_progress(TaskRun& t) {
    while (t.cursor < t.todo.size() && !failing_ && !canceling_ && !paused_ &&
           (t.concurrency == 0 || t.in_flight < t.concurrency)) {
        size_t i = t.todo[t.cursor++];
        start_child(t, i, &t.items[i]);
    }
    if (t.in_flight > 0) return;
    bool all = t.ended_items == t.items.size();
    if (!all && !failing_ && !canceling_) {
        if (paused_) parked_.push_back(t.seq);
        return;
    }
    t.state = all && t.failed_items == 0 ? State::succeeded : State::failed;
    if (!all && t.error.empty()) {
        t.error = canceling_ ? "canceled before every item ran" : "not every item ran: the workflow is failing";
    }
    t.result = Json(t.item_results);  // in item order
    task_ended(t);
}

void Run::start_child(TaskRun& t, size_t item, const Json* item_value) {
    const auto& spec = wf_->tasks[t.task];
    Json input;
    std::string error;
    try {
        input = eval(spec.input, &t, *t.ctx.value, item_value);
    } catch (const std::exception& ex) {
        error = std::string("input: ") + ex.what();
    }
    std::string id;
    if (error.empty()) {
        Json context = child_context(spec.name, t.seq, t.attempts);
        if (item_value) context["orquesta"]["item"] = item;
        std::weak_ptr<Run> weak = weak_from_this();
        int64_t seq = t.seq;
        int attempt = t.attempts;
        try {
            id = orch_.start_child(inv_, spec.action, Json(input), std::move(context),
                                   [weak, seq, attempt, item](actions::ChildEnd end) {
                                       if (auto self = weak.lock()) {
                                           Event e(Event::Kind::child_end, seq, attempt);
                                           e.item = item;
                                           e.end = std::move(end);
                                           self->post(std::move(e));
                                       }
                                   });
        } catch (const std::exception& ex) {
            error = ex.what();
        }
    }
    if (!error.empty()) {
        // The task fails without a child; its failure path is taken.
        if (item_value) {  // the item fails; items_progress ends the task
            ++t.ended_items;
            ++t.failed_items;
            t.item_results[item] = Json{{"error", error}};
            if (t.error.empty()) t.error = "item " + std::to_string(item) + ": " + error;
            return;
        }
        t.state = State::failed;
        t.error = error;
        t.result = Json{{"error", error}};
        task_ended(t);
        return;
    }
    t.children[id] = item;
    ++t.in_flight;
    ++in_flight_;
}

// --- ending -------------------------------------------------------------------

void Run::child_ended(TaskRun& t, size_t item, const actions::ChildEnd& end) {
    bool ok = end.status == core::Status::succeeded;
    std::string why(core::to_string(end.status));
    if (end.result.is_object() && end.result.contains("error") && end.result["error"].is_string()) {
        why += ": " + end.result["error"].get<std::string>();
    }
    if (!t.has_items) {
        t.result = Json(end.result);
        t.state = ok ? State::succeeded : State::failed;
        if (!ok) t.error = why;
        task_ended(t);
        return;
    }
    if (item < t.item_results.size()) t.item_results[item] = Json(end.result);
    ++t.ended_items;
    if (!ok) {
        ++t.failed_items;
        if (t.error.empty()) t.error = "item " + std::to_string(item) + " " + why;
    }
    items_progress(t);
}

void Run::task_ended(TaskRun& t) {
    const auto& spec = wf_->tasks[t.task];
    if (spec.retry && !canceling_) {
        try {
            Json count = eval(spec.retry->count, &t, *t.ctx.value);
            if (!count.is_number_integer() || count.get<int64_t>() < 0) {
                throw std::runtime_error("retry count must be a number, got " + count.dump());
            }
            bool again = spec.retry->when ? truthy(eval(*spec.retry->when, &t, *t.ctx.value)) : t.state == State::failed;
            if (again && t.attempts < count.get<int64_t>()) {
                Json d = eval(spec.retry->delay, &t, *t.ctx.value);
                if (!is_number(d)) throw std::runtime_error("retry delay must be a number, got " + d.dump());
                ++t.attempts;
                t.state = State::delayed;
                record(t);
                if (d.get<double>() > 0) {
                    after(d.get<double>(), t.seq, t.attempts);
                } else {
                    launch(t);
                }
                return;
            }
        } catch (const std::exception& ex) {
            t.state = State::failed;
            t.error = std::string("retry: ") + ex.what();
        }
    }
    transitions(t);
    record(t);
    auto latest = latest_.find(spec.name);
    if (latest != latest_.end() && latest->second != t.seq) superseded_.push_back(t.seq);
}

void Run::transitions(TaskRun& t) {
    const auto& spec = wf_->tasks[t.task];
    bool taken = false, went_on = false;
    std::string fail_message;
    std::vector<Ctx> published;  // contexts of the taken transitions
    std::vector<std::pair<size_t, Ctx>> next;
    for (const auto& tr : spec.next) {
        try {
            if (tr.when && !truthy(eval(Json(*tr.when), &t, *t.ctx.value))) continue;
            Ctx ctx = t.ctx;  // shared until something is published
            if (!tr.publish.empty()) {
                Json own = *t.ctx.value;
                Json change = Json::object();
                for (const auto& [name, value] : tr.publish) {
                    Json v = eval(value, &t, own);
                    own[name] = v;
                    change[name] = std::move(v);
                }
                ctx = new_context(std::move(own), Json{{"base", t.ctx.id}, {"set", std::move(change)}});
                published.push_back(ctx);
            }
            taken = true;
            bool fails = false;
            for (const auto& target : tr.next) {
                if (target == "fail") {
                    fails = true;
                } else if (target == "retry") {
                    if (t.attempts < kRetryCommandLimit) {
                        ++t.attempts;
                        t.state = State::delayed;
                        launch(t);
                        return;
                    }
                } else if (!is_command(target)) {
                    next.emplace_back(wf_->by_name.at(target), ctx);
                    went_on = true;
                }
            }
            if (fails) {
                fail_message = "task '" + spec.name + "' transitioned to fail" + (t.error.empty() ? "" : " (" + t.error + ")");
            }
        } catch (const std::exception& ex) {
            fail_workflow(spec.name, "task '" + spec.name + "', transition at line " + std::to_string(tr.line) + ": " +
                                         ex.what());
            return;
        }
    }
    if (t.state == State::failed && !taken) {
        fail_workflow(spec.name, "task '" + spec.name + "' failed: " + (t.error.empty() ? "failed" : t.error));
        return;
    }
    if (!went_on) {
        // The end of a branch: what it knows goes into the workflow's
        // output (recorded with the task, as the contexts it merged).
        t.ends = {t.ctx.id};
        for (const auto& [k, v] : t.ctx.value->items()) final_ctx_[k] = v;
        for (const auto& p : published) {
            for (const auto& [k, v] : p.value->items()) final_ctx_[k] = v;
            t.ends.push_back(p.id);
        }
        t.end_order = next_end_++;
    }
    // Tasks named next to `fail` still run (remediation); nothing after them.
    for (auto& [task, ctx] : next) arrive(task, ctx);
    if (!fail_message.empty()) fail_workflow(spec.name, fail_message);
}

void Run::fail_workflow(const std::string& task, const std::string& message) {
    failing_ = true;
    Json e{{"type", "error"}, {"message", message}};
    if (!task.empty()) e["task_id"] = task;
    errors_.push_back(std::move(e));
    record_workflow();
}

void Run::check_done() {
    if (finished_ || in_flight_ > 0 || timers_ > 0) return;
    if (paused_ && !canceling_ && !failing_) {
        if (!reported_paused_) {
            reported_paused_ = true;
            record_workflow();
            orch_.paused(inv_, true);
        }
        return;
    }
    finish();
}

void Run::finish() {
    if (finished_) return;
    if (!failing_ && !canceling_) {
        for (const auto& [seq, t] : runs_) {
            if (t.state == State::waiting) {
                const auto& spec = wf_->tasks[t.task];
                int need = spec.join < 0 ? static_cast<int>(wf_->inbound[t.task]) : spec.join;
                fail_workflow(spec.name, "task '" + spec.name + "' never ran: its join waited for " +
                                             std::to_string(need) + " inbound task(s), " +
                                             std::to_string(t.arrivals) + " arrived");
            }
        }
    }
    Json output = Json::object();
    for (const auto& [name, value] : wf_->output) {
        try {
            output[name] = eval(value, nullptr, final_ctx_);
        } catch (const std::exception& ex) {
            if (!failing_) fail_workflow("", "output '" + name + "': " + ex.what());
        }
    }
    finished_ = true;
    record_workflow();
    actions::RunOutcome outcome;
    if (canceling_) {
        outcome = {actions::RunOutcome::Kind::canceled, Json{{"output", Json(output)}}};
    } else if (failing_) {
        outcome = {actions::RunOutcome::Kind::failed, Json{{"errors", Json(errors_)}, {"output", Json(output)}}};
    } else {
        outcome = {actions::RunOutcome::Kind::succeeded, Json{{"output", Json(output)}}};
    }
    orch_.finish(inv_, std::move(outcome));
}

// --- expressions and records ----------------------------------------------------

Json Run::eval(const Json& value, const TaskRun* t, const Json& ctx, const Json* item) {
    scope_ = {&ctx, t, item};
    return render_tree(value, context_, cache_);
}

Run::Ctx Run::new_context(Json value, Json change) {
    Ctx c{next_ctx_++, std::make_shared<const Json>(std::move(value))};
    if (change.is_null()) change = Json{{"set", *c.value}};  // the first: all of it
    write(-2 - c.id, dump_json(change));
    return c;
}

std::string Run::task_record(const TaskRun& t) const {
    Json head{{"name", wf_->tasks[t.task].name}, {"state", state_name(t.state)}, {"ctx", t.ctx.id},
              {"arrivals", t.arrivals}, {"attempts", t.attempts}};
    bool ended = t.state == State::succeeded || t.state == State::failed;
    if (ended) head["error"] = t.error;
    if (t.end_order >= 0) {
        head["ends"] = t.ends;
        head["end_order"] = t.end_order;
    }
    if (t.state == State::running && !t.has_items && t.children.size() == 1) head["child"] = t.children.begin()->first;
    if (!ended || t.has_items) return dump_json(head);
    // The result is written out as it is, never copied.
    std::string text = dump_json(head);
    text.pop_back();
    text += ",\"result\":" + dump_json(t.result) + "}";
    return text;
}

std::string Run::workflow_record() const {
    return dump_json(Json{{"next_seq", next_seq_}, {"next_ctx", next_ctx_}, {"next_end", next_end_},
                          {"errors", errors_}, {"failing", failing_}, {"paused", paused_}, {"finished", finished_}});
}

void Run::record(TaskRun& t) { write(t.seq, task_record(t)); }
void Run::record_workflow() { write(-1, workflow_record()); }

void Run::write(int64_t key, std::string text) {
    state_bytes_ += text.size();
    orch_.record_state(inv_, {key, std::move(text)});
    if (state_bytes_ > limits_.max_state_bytes && !failing_) {
        fail_workflow("", "the workflow's recorded state grew past " + std::to_string(limits_.max_state_bytes >> 20) +
                              " MiB, the most one workflow may record (the limit is --workflow-max-state)");
    }
}

// --- restoring ------------------------------------------------------------------

Run::Ctx Run::materialise(int64_t id, const std::map<int64_t, Json>& recorded, std::map<int64_t, Ctx>& memo) {
    if (auto m = memo.find(id); m != memo.end()) return m->second;
    // Back to a context already built (or the first), then each change forward.
    std::vector<int64_t> chain;
    Json value = Json::object();
    for (int64_t at = id;;) {
        if (auto m = memo.find(at); m != memo.end()) {
            value = *m->second.value;
            break;
        }
        auto r = recorded.find(at);
        if (r == recorded.end()) throw std::runtime_error("recorded context " + std::to_string(at) + " is missing");
        chain.push_back(at);
        at = r->second.value("base", int64_t{-1});
        if (at < 0) break;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const Json& change = recorded.at(*it);
        if (auto set = change.find("set"); set != change.end() && set->is_object()) {
            for (const auto& [k, v] : set->items()) value[k] = v;
        }
        if (auto merge = change.find("merge"); merge != change.end() && merge->is_number_integer()) {
            Ctx other = materialise(merge->get<int64_t>(), recorded, memo);
            for (const auto& [k, v] : other.value->items()) value[k] = v;
        }
    }
    Ctx out{id, std::make_shared<const Json>(std::move(value))};
    memo[id] = out;
    return out;
}

void Run::reload() {
    auto parts = orch_.recorded_state(inv_.execution_id());
    bool have_workflow = false;
    std::map<int64_t, Json> contexts;               // id -> its recorded change
    std::vector<std::pair<int64_t, Json>> recorded;  // task runs, by seq
    for (auto& p : parts) {
        state_bytes_ += p.state.size();
        Json s = parse_json(p.state);
        if (p.seq == -1) {
            have_workflow = true;
            next_seq_ = s.value("next_seq", int64_t{0});
            next_ctx_ = s.value("next_ctx", int64_t{0});
            next_end_ = s.value("next_end", int64_t{0});
            errors_ = s.value("errors", Json::array());
            failing_ = s.value("failing", false);
            paused_ = s.value("paused", false);
        } else if (p.seq <= -2) {
            contexts[-2 - p.seq] = std::move(s);
        } else {
            recorded.emplace_back(p.seq, std::move(s));
        }
    }
    if (!have_workflow) {  // it ended before recording anything: start afresh
        begin();
        return;
    }
    // Numbers recorded since the workflow's own part was written are not reused.
    if (!contexts.empty()) next_ctx_ = std::max(next_ctx_, contexts.rbegin()->first + 1);
    std::map<int64_t, Ctx> memo;
    // The workflow's output so far: its inputs and vars, then each branch
    // that ended, in the order they ended.
    final_ctx_ = contexts.count(0) ? *materialise(0, contexts, memo).value : Json::object();
    std::vector<std::pair<int64_t, std::vector<int64_t>>> ends;
    for (const auto& [seq, s] : recorded) latest_[s.value("name", std::string())] = seq;
    for (auto& [seq, s] : recorded) {
        std::string name = s.value("name", std::string());
        auto it = wf_->by_name.find(name);
        if (it == wf_->by_name.end()) {
            fail_workflow(name, "recorded task '" + name + "' is not in the workflow definition any more");
            continue;
        }
        if (s.contains("end_order")) ends.emplace_back(s["end_order"].get<int64_t>(), s["ends"].get<std::vector<int64_t>>());
        std::string st = s.value("state", std::string("waiting"));
        bool ended = st == "succeeded" || st == "failed";
        if (ended && latest_[name] != seq) continue;  // a later run of the task replaced it
        auto& t = runs_[seq];
        t.seq = seq;
        t.task = it->second;
        t.ctx = materialise(s.value("ctx", int64_t{0}), contexts, memo);
        t.arrivals = s.value("arrivals", 0);
        t.attempts = s.value("attempts", 0);
        t.error = s.value("error", std::string());
        t.result = s.value("result", Json());
        t.recorded_child = s.value("child", std::string());
        if (s.contains("end_order")) {
            t.end_order = s["end_order"].get<int64_t>();
            t.ends = s["ends"].get<std::vector<int64_t>>();
        }
        t.state = st == "succeeded" ? State::succeeded : st == "failed" ? State::failed
                : st == "running" ? State::running : st == "delayed" ? State::delayed : State::waiting;
    }
    std::sort(ends.begin(), ends.end());
    for (const auto& [order, ids] : ends) {
        for (int64_t id : ids) {
            for (const auto& [k, v] : materialise(id, contexts, memo).value->items()) final_ctx_[k] = v;
        }
    }
    memo.clear();
    // New tasks must not reuse a recorded number, whatever the workflow part said.
    if (!recorded.empty()) next_seq_ = std::max(next_seq_, recorded.back().first + 1);
    // What each task's children did while nobody listened.
    std::map<std::pair<int64_t, int>, std::vector<actions::Orchestration::RecordedChild>> children;
    for (auto& c : orch_.recorded_children(inv_.execution_id())) {
        auto o = c.context.find("orquesta");
        if (o == c.context.end() || !o->is_object()) continue;
        children[{o->value("seq", int64_t{-1}), o->value("attempt", 0)}].push_back(std::move(c));
    }
    std::vector<int64_t> restored;  // tasks started below are not revisited
    for (const auto& [seq, t] : runs_) restored.push_back(seq);
    for (int64_t seq : restored) {
        auto& t = runs_.at(seq);
        if (t.state == State::delayed) {
            launch(t);  // the delay starts over
            continue;
        }
        if (t.state == State::waiting) {
            const auto& spec = wf_->tasks[t.task];
            int need = spec.join == 0 ? 1 : spec.join < 0 ? static_cast<int>(wf_->inbound[t.task]) : spec.join;
            if (t.arrivals >= need) launch(t);
            continue;
        }
        if (t.state != State::running) continue;
        const auto& spec = wf_->tasks[t.task];
        // A child that was abandoned before it ever ran is started again; one
        // that ran is taken as it ended (abandoned: the failure path).
        auto counts = [](const actions::Orchestration::RecordedChild& c) {
            return c.started || !c.ended || c.end.status != core::Status::abandoned;
        };
        auto ended = [&](const actions::Orchestration::RecordedChild& c) {
            if (c.ended) return c.end;
            return actions::ChildEnd{c.end.id, core::Status::abandoned, Json{{"error", "its workflow's process ended"}}};
        };
        auto& mine = children[{seq, t.attempts}];
        if (!spec.items) {
            const actions::Orchestration::RecordedChild* last = nullptr;
            for (const auto& c : mine) {
                if (counts(c)) last = &c;
            }
            if (last) {
                child_ended(t, 0, ended(*last));
            } else if (!t.recorded_child.empty()) {
                // It was handed its child, which left no record: a native
                // action that was queued or running when the process ended.
                Json why{{"error", "the packhost process running it ended before the execution finished"}};
                orch_.record_lost_child(inv_, t.recorded_child, spec.action,
                                        child_context(spec.name, seq, t.attempts),
                                        why);
                child_ended(t, 0, {t.recorded_child, core::Status::abandoned, why});
            } else {
                t.state = State::waiting;
                launch(t);
            }
            continue;
        }
        if (!prepare_items(t)) continue;
        std::vector<bool> done(t.items.size(), false);
        for (const auto& c : mine) {
            auto o = c.context.find("orquesta");
            size_t i = o->value("item", size_t{0});
            if (!counts(c) || i >= done.size() || done[i]) continue;
            done[i] = true;
            auto end = ended(c);
            t.item_results[i] = Json(end.result);
            ++t.ended_items;
            if (end.status != core::Status::succeeded) {
                ++t.failed_items;
                if (t.error.empty()) t.error = "item " + std::to_string(i) + " " + std::string(core::to_string(end.status));
            }
        }
        for (size_t i = 0; i < done.size(); ++i) {
            if (!done[i]) t.todo.push_back(i);
        }
        items_progress(t);
    }
    record_workflow();
}

}  // namespace packhost::workflows::orquesta

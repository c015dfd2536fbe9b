#include "executions/scheduler.hpp"

#include <deque>
#include <thread>

#include "actions/parameter_rendering.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace packhost::executions {

// Serialises an action that is not reentrant: one runs, the rest wait here
// (not on a worker), and the worker that finishes one takes the next.
struct Scheduler::Lane {
    std::mutex mu;
    bool busy = false;
    std::deque<std::shared_ptr<Execution>> waiting;
};

namespace {

size_t default_workers() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 2 : n;
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

Scheduler::Scheduler(const actions::Registry& registry, SchedulerOptions options)
    : registry_(registry),
      options_(std::move(options)),
      history_(options_.keep_finished),
      pool_(options_.workers ? options_.workers : default_workers(),
            [this](std::shared_ptr<Execution> e) { execute(std::move(e)); }) {}

Scheduler::~Scheduler() { shutdown(); }

Execution& as_execution(const actions::Invocation& invocation) {
    return const_cast<Execution&>(static_cast<const Execution&>(invocation));
}

std::shared_ptr<Execution> Scheduler::submit(Request request) {
    bool durable = request.durable;
    bool here = request.inline_if_quick;
    auto e = prepare(std::move(request));
    launch(e, durable, here);
    // Said once it is durable when asked to be: tests kill a host at this line.
    core::log::debug("execution {} of {} accepted", e->id(), e->action().ref);
    return e;
}

std::shared_ptr<Execution> Scheduler::prepare(Request request) {
    auto action = registry_.find(request.action);
    if (!action) throw core::NotFound("action '" + request.action + "' is not registered");
    if (!action->enabled) throw core::ValidationError("action '" + request.action + "' is disabled (enabled: false)");
    if (request.timeout_seconds < 0) throw core::ValidationError("timeout must not be negative");

    Json context = Json::object();
    context.get_ref<Json::object_t&>().reserve(2 + (request.context.is_object() ? request.context.size() : 0));
    context["user"] = options_.user;
    context["pack"] = action->pack;
    if (request.context.is_object()) {
        for (auto& [k, v] : request.context.items()) context[k] = std::move(v);
    }
    Json params = action->parameters.complete(std::move(request.parameters));
    static const auto kNoConfigText = std::make_shared<const std::string>("{}");
    auto config_text = action->config_text ? action->config_text : kNoConfigText;
    if (actions::contains_template(params) || action->config_templated) {  // defaults are filled in by now
        actions::TemplateScope scope;
        scope.action_context = context;
        if (options_.datastore) scope.st2kv = options_.datastore->template_object(context.value("user", std::string()));
        if (action->config) scope.config_context = *action->config;
        if (action->config_templated) {
            scope.config_context = actions::render_config(scope.config_context, scope, templates_);
            config_text = std::make_shared<const std::string>(scope.config_context.dump());
        }
        params = actions::render_parameters(action->parameters, std::move(params), scope, templates_);
    }
    params = action->parameters.validate(std::move(params));
    int64_t deadline =
        request.timeout_seconds > 0 ? core::monotonic_ns() + static_cast<int64_t>(request.timeout_seconds * 1e9) : 0;
    auto e = std::make_shared<Execution>(core::new_id(), action, std::move(params), std::move(context), deadline,
                                         options_.store, std::move(config_text), options_.secrets);
    e->set_orchestration(this);
    if (request.on_end) e->set_on_end(std::move(request.on_end));
    return e;
}

bool Scheduler::quick(const actions::Action& action) const {
    // In-process runners return their outcome: none hands its run over
    // (RunOutcome::Kind::deferred is the workflow runners'), so a run here
    // has ended when run() returns.
    if (!action.capabilities.in_process || action.capabilities.workflow || !action.reentrant) return false;
    int64_t typical = action.run_times->typical_ns.load(std::memory_order_relaxed);
    return typical >= 0 && typical < options_.inline_below.count();
}

void Scheduler::launch(const std::shared_ptr<Execution>& e, bool durable, bool may_run_here) {
    bool here = may_run_here && quick(e->action());
    // Run on the caller's thread, which waits for its end (chat): its
    // records are saved once on_end has answered (by a worker: see close),
    // not before and in between, where they were most of a chat reply's
    // time. The store would not have written them by then anyway (nothing
    // waits for a commit), and a host that dies meanwhile loses the same.
    if (here && !durable) e->defer_records();
    uint64_t ticket = admit(e);
    if (durable && ticket != 0) {
        try {
            options_.store->wait_durable(ticket);
        } catch (const store::StoreError&) {
            refuse(*e, std::current_exception());
            throw;
        }
    }
    start_running(e, here);
}

void Scheduler::submit(Request request, Accepted accepted) {
    bool durable = request.durable;
    auto e = prepare(std::move(request));
    uint64_t ticket = admit(e);
    if (!durable || ticket == 0) {
        start_running(e);
        accepted(e, nullptr);
        return;
    }
    {
        std::lock_guard lock(accepting_mu_);
        ++accepting_;
    }
    options_.store->when_durable(ticket, [this, e, accepted = std::move(accepted)](std::exception_ptr error) {
        if (error) {
            refuse(*e, error);
        } else {
            start_running(e);
            core::log::debug("execution {} of {} accepted", e->id(), e->action().ref);
        }
        accepted(e, error);
        std::lock_guard lock(accepting_mu_);
        --accepting_;
        accepting_cv_.notify_all();
    });
}

uint64_t Scheduler::admit(const std::shared_ptr<Execution>& e) {
    history_.add(e);
    e->transition(Status::scheduled);
    // A workflow's task is recorded once it runs: one that never ran is
    // simply started again after a restart, and workflows stay cheap to record.
    return e->parent_id().empty() && options_.store ? record(*e) : 0;
}

void Scheduler::refuse(Execution& e, const std::exception_ptr& error) {
    std::string why = "the store cannot write it";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& err) {
        why = err.what();
    }
    // Not accepted: it never runs, and says why if its record can be
    // written later after all.
    e.request_cancel();
    close(e, Status::failed, Json{{"error", "not accepted: " + why}});
}

void Scheduler::start_running(const std::shared_ptr<Execution>& e, bool run_here) {
    if (e->deadline_ns() != 0) {
        std::weak_ptr<Execution> weak = e;
        deadlines_.at(e->deadline_ns(), [this, weak] { on_deadline(weak); });
    }
    if (run_here) return run(e);
    pool_.post(e);
}

std::shared_ptr<Scheduler::Lane> Scheduler::lane(const std::string& ref) {
    std::lock_guard lock(lanes_mu_);
    auto& l = lanes_[ref];
    if (!l) l = std::make_shared<Lane>();
    return l;
}

void Scheduler::execute(std::shared_ptr<Execution> e) {
    if (e->done()) return save_deferred_records(*e);  // posted by close()
    if (e->action().reentrant) {
        run(e);
        return;
    }
    auto l = lane(e->action().ref);
    {
        std::lock_guard lock(l->mu);
        if (l->busy) {
            l->waiting.push_back(std::move(e));
            return;
        }
        l->busy = true;
    }
    while (e) {
        run(e);
        std::lock_guard lock(l->mu);
        if (l->waiting.empty()) {
            l->busy = false;
            e.reset();
        } else {
            e = std::move(l->waiting.front());
            l->waiting.pop_front();
        }
    }
}

void Scheduler::run(const std::shared_ptr<Execution>& e) {
    const auto& action = e->action();
    actions::RunOutcome outcome;
    if (e->transition(Status::running, nullptr, Status::scheduled)) {
        // Recorded as running for every runner: a native action may run for
        // hours too, and `execution list --status running` must find it.
        uint64_t ticket = record(*e);
        core::log::debug("execution {} of {} running", e->id(), action.ref);
        if (!e->stop_requested() && !durable_before_spawn(*e, ticket, outcome)) return conclude(*e, std::move(outcome));
        if (!e->stop_requested()) {
            // Timed only where quick() may use it: two clock reads.
            bool timed = action.capabilities.in_process && action.reentrant;
            int64_t t0 = timed ? core::monotonic_ns() : 0;
            outcome = action.runner->run(action, *e);
            if (timed) {
                int64_t took = core::monotonic_ns() - t0;
                auto& typical = action.run_times->typical_ns;
                int64_t was = typical.load(std::memory_order_relaxed);
                typical.store(was < 0 ? took : (was * 7 + took) / 8, std::memory_order_relaxed);
            }
        }
    } else if (e->done()) {
        return;  // canceled or timed out while queued
    } else {
        outcome = action.runner->resume(action, *e);  // taken over from an ended process
    }
    if (outcome.kind == actions::RunOutcome::Kind::deferred) {
        // It ends through finish(), maybe already has.
        e->set_deferred(outcome.deferred);
        if (e->cancel_requested() && outcome.deferred) outcome.deferred->cancel();
        // Paused before its run was handed over (pause() found none): now.
        if (e->status() == Status::pausing && outcome.deferred) outcome.deferred->pause();
        return;
    }
    conclude(*e, std::move(outcome));
}

void Scheduler::conclude(Execution& e, actions::RunOutcome outcome) {
    const auto& action = e.action();
    bool timed_out = e.deadline_passed() || (e.deadline_ns() != 0 && core::monotonic_ns() >= e.deadline_ns());
    Status final;
    Json result = std::move(outcome.result);
    // A runner's own result (a script's stdout so far) is kept; the reason
    // goes next to it.
    auto with_error = [&](const char* why) {
        if (!result.is_object()) result = Json::object();
        result["error"] = why;
    };
    if (timed_out) {
        final = Status::timeout;
        with_error("execution timed out");
    } else if (e.cancel_requested() && outcome.kind != actions::RunOutcome::Kind::failed) {
        final = Status::canceled;
        with_error("execution was canceled");
    } else {
        switch (outcome.kind) {
        case actions::RunOutcome::Kind::succeeded: final = Status::succeeded; break;
        case actions::RunOutcome::Kind::canceled: final = Status::canceled; break;
        case actions::RunOutcome::Kind::timeout: final = Status::timeout; break;
        default: final = Status::failed; break;
        }
    }
    if (!close(e, final, std::move(result))) {
        core::log::warn("execution {} ({}) returned after it was closed; its result was dropped", e.id(), action.ref);
    }
}

void Scheduler::on_deadline(const std::weak_ptr<Execution>& weak) {
    auto e = weak.lock();
    if (!e || e->done()) return;
    e->mark_deadline_passed();
    Json result{{"error", "execution timed out before it started"}};
    if (close(*e, Status::timeout, result, Status::scheduled)) return;
    if (auto run = e->deferred()) {
        // A workflow: its tasks are canceled, and it ends as timed out once they have.
        run->cancel();
        return;
    }
    std::weak_ptr<Execution> again = weak;
    deadlines_.at(core::monotonic_ns() + std::chrono::nanoseconds(options_.stop_grace).count(),
                  [this, again] { close_if_stuck(again, Status::timeout, "timed out"); });
}

void Scheduler::close_if_stuck(const std::weak_ptr<Execution>& weak, Status status, const char* why) {
    auto e = weak.lock();
    if (!e || e->done()) return;
    std::string msg = std::string("execution ") + why + "; the action did not stop within " +
                      seconds_text(options_.stop_grace.count() / 1000.0) +
                      " s, so its worker thread was left running it";
    if (close(*e, status, Json{{"error", msg}})) {
        core::log::error("execution {} ({}): {}", e->id(), e->action().ref, msg);
    }
}

bool Scheduler::cancel(const std::string& id) {
    auto e = history_.find(id);
    if (!e) throw core::NotFound("execution '" + id + "' does not exist");
    if (e->done()) return false;
    e->request_cancel();
    Json result{{"error", "execution was canceled before it started"}};
    if (close(*e, Status::canceled, result, Status::scheduled)) return true;
    if (auto run = e->deferred()) {
        // A workflow: its tasks are canceled, and it ends once they have.
        if (e->status() != Status::canceling && e->transition(Status::canceling)) record(*e);
        run->cancel();
        return true;
    }
    if (e->transition(Status::canceling, nullptr, Status::running)) {
        std::weak_ptr<Execution> weak = e;
        deadlines_.at(core::monotonic_ns() + std::chrono::nanoseconds(options_.stop_grace).count(),
                      [this, weak] { close_if_stuck(weak, Status::canceled, "was canceled"); });
    }
    return !e->done() || e->status() == Status::canceled;
}

bool Scheduler::close(Execution& e, Status status, Json result, std::optional<Status> only_from) {
    if (!e.transition(status, std::move(result), only_from)) return false;
    history_.closed(e);
    record(e);
    // After shutdown a workflow stops listening: it stays unfinished in the
    // store, for the next process to continue.
    auto on_end = e.take_on_end();
    if (on_end && !shut_down_.load(std::memory_order_acquire)) on_end(e);
    if (e.records_deferred() && options_.store) {
        // Its caller has answered (a chat reply is out): the records are
        // built on a worker, not here. A socket's wake-up puts the peer the
        // reply woke (a local IRC server) on this CPU, expecting this thread
        // to sleep next; building three records here first held the reply
        // up by ~0.1 ms while the other CPU sat idle.
        auto keep = history_.find(e.id());
        if (!keep || !pool_.post(std::move(keep))) save_deferred_records(e);  // a stopping pool takes none
    }
    return true;
}

void Scheduler::save_deferred_records(Execution& e) {
    if (!e.take_deferred_records() || !options_.store) return;
    for (auto& r : e.records_of_each_status(options_.secrets)) options_.store->save(std::move(r));
}

std::pair<std::shared_ptr<Execution>, std::shared_ptr<actions::DeferredRun>> Scheduler::workflow_run(
    const std::string& id, const char* verb) {
    auto e = history_.find(id);
    if (!e) throw core::NotFound("execution '" + id + "' does not exist");
    auto run = e->deferred();
    if (!run && !e->done() && !e->action().capabilities.pausable) {
        throw core::ValidationError("execution " + id + " is not a workflow; only workflows can be " + verb);
    }
    return {run ? e : nullptr, run};
}

bool Scheduler::pause(const std::string& id) {
    (void)workflow_run(id, "paused");  // refuses what is not a workflow
    auto e = history_.find(id);
    if (!e->transition(Status::pausing, nullptr, Status::running)) return false;
    record(*e);
    // A workflow whose runner has not handed over its run yet (it has just
    // started) pauses when it does: run() looks at the status then.
    if (auto run = e->deferred()) run->pause();
    return true;
}

bool Scheduler::resume(const std::string& id) {
    auto [e, run] = workflow_run(id, "resumed");
    if (!run) return false;
    auto s = e->status();
    if (s != Status::paused && s != Status::pausing) return false;
    if (!e->transition(Status::resuming, nullptr, s)) return false;
    record(*e);
    run->resume();
    return true;
}

std::shared_ptr<Execution> Scheduler::continue_orphan(const store::ExecutionRecord& r) {
    auto action = registry_.find(r.action);
    if (!action) throw core::NotFound("action '" + r.action + "' of execution " + r.id + " is not registered any more");
    Json params = r.parameters;
    if (!r.sealed_secrets.empty()) {
        if (!options_.secrets) throw core::ValidationError("execution " + r.id + " has secret parameters and no key");
        params = Json::parse(options_.secrets->unseal(r.sealed_secrets));
    }
    static const auto kNoConfigText = std::make_shared<const std::string>("{}");
    auto e = std::make_shared<Execution>(r.id, action, std::move(params), r.context, 0, options_.store,
                                         action->config_text ? action->config_text : kNoConfigText, options_.secrets);
    e->set_orchestration(this);
    std::vector<LogEntry> log;
    for (const auto& entry : r.log) {
        auto st = core::parse_status(entry.value("status", std::string()));
        if (st) log.push_back({*st, entry.value("timestamp", int64_t{0})});
    }
    if (log.empty() || log.back().status == Status::requested || log.back().status == Status::scheduled) {
        log.push_back({Status::running, core::now_us()});
    }
    e->restore_log(std::move(log));
    history_.add(e);
    record(*e);
    pool_.post(e);
    return e;
}

std::string Scheduler::start_child(const actions::Invocation& parent, const std::string& action, Json parameters,
                                   Json context, std::function<void(actions::ChildEnd)> on_end) {
    const auto& p = as_execution(parent);
    Request request;
    request.action = action;
    request.parameters = std::move(parameters);
    Json ctx = Json::object();
    ctx.get_ref<Json::object_t&>().reserve(3 + (context.is_object() ? context.size() : 0));
    const Json& parent_ctx = p.context();
    if (parent_ctx.is_object()) {
        for (const char* k : {"user", "source_channel", "trace_tag"}) {
            if (auto it = parent_ctx.find(k); it != parent_ctx.end()) ctx[k] = *it;
        }
    }
    ctx["parent"] = {{"execution_id", p.id()}, {"user", p.user()}};
    if (context.is_object()) {
        for (auto& [k, v] : context.items()) ctx[k] = std::move(v);
    }
    request.context = std::move(ctx);
    auto e = prepare(std::move(request));
    if (on_end) {
        e->set_on_end([on_end = std::move(on_end)](const Execution& child) {
            on_end({child.id(), child.status(), child.result()});
        });
    }
    std::string id = e->id();
    launch(e);
    return id;
}

void Scheduler::cancel_child(const std::string& id) {
    if (history_.find(id)) cancel(id);
}

void Scheduler::after(std::chrono::nanoseconds delay, std::function<void()> fn) {
    deadlines_.at(core::monotonic_ns() + delay.count(), std::move(fn));
}

void Scheduler::paused(const actions::Invocation& run, bool is_paused) {
    auto& e = as_execution(run);
    bool moved = is_paused ? e.transition(Status::paused, nullptr, Status::pausing)
                           : e.transition(Status::running, nullptr, Status::resuming);
    if (moved) record(e);
}

void Scheduler::finish(const actions::Invocation& run, actions::RunOutcome outcome) {
    conclude(as_execution(run), std::move(outcome));
}

namespace {

// A workflow with secret inputs keeps its whole recorded state encrypted:
// its contexts hold those inputs and whatever was published from them.
constexpr std::string_view kSealedState = "sealed:";

}  // namespace

void Scheduler::record_state(const actions::Invocation& run, actions::StatePart part) {
    if (!options_.store) return;
    if (as_execution(run).action().parameters.has_secrets()) {
        if (!options_.secrets) return;  // never written in plaintext; such a run cannot be continued
        part.state = std::string(kSealedState) + options_.secrets->seal(part.state);
    }
    options_.store->save_workflow_state({run.execution_id(), part.seq, std::move(part.state)});
}

std::vector<actions::StatePart> Scheduler::recorded_state(const std::string& execution_id) {
    std::vector<actions::StatePart> out;
    if (!options_.store) return out;
    for (auto& r : options_.store->workflow_state(execution_id)) {
        if (std::string_view(r.state).substr(0, kSealedState.size()) == kSealedState) {
            if (!options_.secrets)
                throw std::runtime_error("the workflow's state is encrypted and this host has no key");
            r.state = options_.secrets->unseal(std::string_view(r.state).substr(kSealedState.size()));
        }
        out.push_back({r.seq, std::move(r.state)});
    }
    return out;
}

void Scheduler::record_lost_child(const actions::Invocation& parent, const std::string& id, const std::string& action,
                                  Json context, Json result) {
    if (!options_.store) return;
    store::ExecutionRecord r;
    r.id = id;
    r.action = action;
    auto a = registry_.find(action);
    r.runner_type = a ? a->runner_type : "";
    r.context = std::move(context);
    r.context["parent"] = {{"execution_id", parent.execution_id()}, {"user", parent.user()}};
    r.context["user"] = parent.user();
    r.parent = parent.execution_id();
    r.owner = store::this_process_owner();
    r.start_us = core::now_us();
    store::close_record(r, core::Status::abandoned, std::move(result), r.start_us);
    options_.store->save(std::move(r));
}

std::vector<actions::Orchestration::RecordedChild> Scheduler::recorded_children(const std::string& execution_id) {
    std::vector<RecordedChild> out;
    if (!options_.store) return out;
    options_.store->flush();
    auto records = options_.store->executions({std::nullopt, std::nullopt, execution_id, 1u << 30});
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
        bool started = false;
        for (const auto& entry : it->log) started |= entry.value("status", std::string()) == "running";
        out.push_back({{it->id, it->status, it->result}, it->context, it->end_us != 0, started});
    }
    return out;
}

std::optional<std::string> Scheduler::datastore_value(const actions::Invocation& run, const std::string& scope,
                                                      const std::string& name, bool decrypt) {
    if (!options_.datastore) return actions::Orchestration::datastore_value(run, scope, name, decrypt);
    auto kv = options_.datastore->get(name, {scope, run.user(), decrypt});
    if (!kv) return std::nullopt;
    return kv->value;
}

bool Scheduler::durable_before_spawn(const Execution& e, uint64_t ticket, actions::RunOutcome& outcome) {
    // A process outlives a killed host and does its work anyway, so one is
    // started only once its record is on disk: whoever continues a workflow
    // then knows of every process it started (no step runs twice unseen).
    // A top-level execution was made durable when it was accepted.
    if (!options_.store || !e.action().capabilities.spawns_processes || e.parent_id().empty()) return true;
    try {
        options_.store->wait_durable(ticket);
        return true;
    } catch (const store::StoreError& err) {
        outcome.kind = actions::RunOutcome::Kind::failed;
        outcome.result = Json{{"error", std::string("not started: ") + err.what()}};
        return false;
    }
}

uint64_t Scheduler::record(const Execution& e) {
    if (e.records_deferred()) return 0;  // close() saves them all
    return options_.store ? options_.store->save(e.record_to_save(options_.secrets)) : 0;
}

size_t Scheduler::abandon_unfinished(const std::string& reason, const std::function<bool(const Execution&)>& keep) {
    size_t n = 0;
    for (const auto& e : history_.unfinished_top_level_list()) {
        if (keep && keep(*e)) continue;
        e->request_cancel();
        if (close(*e, Status::abandoned, Json{{"error", reason}})) ++n;
    }
    return n;
}

size_t Scheduler::shutdown() {
    if (shut_down_.exchange(true)) return abandoned_;
    {
        // Each ends soon: the store's writer answers every ticket, written or not.
        std::unique_lock lock(accepting_mu_);
        accepting_cv_.wait(lock, [&] { return accepting_ == 0; });
    }
    auto unstarted = pool_.stop(options_.stop_grace + std::chrono::milliseconds(500));
    for (auto& e : unstarted) {
        if (e->done()) {
            save_deferred_records(*e);
            continue;
        }
        // A workflow's task that never started is left as it is recorded:
        // whoever continues the workflow starts it again.
        if (!e->parent_id().empty() && options_.store) continue;
        e->request_cancel();
        close(*e, Status::canceled, Json{{"error", "host shut down before the execution started"}});
    }
    deadlines_.stop();
    abandoned_ = pool_.abandoned_workers();
    if (options_.store) {
        try {
            options_.store->flush();
        } catch (const store::StoreError& e) {
            core::log::error("{}", e.what());  // the store keeps trying until it is closed
        }
    }
    return abandoned_;
}

}  // namespace packhost::executions

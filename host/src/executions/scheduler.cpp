#include "executions/scheduler.hpp"

#include <deque>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "actions/parameter_rendering.hpp"

namespace packhost::executions {

using json = nlohmann::json;

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

std::shared_ptr<Execution> Scheduler::submit(Request request) {
    auto action = registry_.find(request.action);
    if (!action) throw core::NotFound("action '" + request.action + "' is not registered");
    if (!action->enabled) throw core::ValidationError("action '" + request.action + "' is disabled (enabled: false)");
    if (request.timeout_seconds < 0) throw core::ValidationError("timeout must not be negative");

    json context = json::object();
    context["user"] = options_.user;
    context["pack"] = action->pack;
    if (request.context.is_object()) {
        for (auto& [k, v] : request.context.items()) context[k] = v;
    }
    json params = action->parameters.complete(std::move(request.parameters));
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
    int64_t deadline = request.timeout_seconds > 0
                           ? core::monotonic_ns() + static_cast<int64_t>(request.timeout_seconds * 1e9)
                           : 0;
    auto e = std::make_shared<Execution>(core::new_id(), action, std::move(params), std::move(context), deadline,
                                         options_.store, std::move(config_text));
    history_.add(e);
    e->transition(Status::scheduled);
    record(*e);
    if (deadline != 0) {
        std::weak_ptr<Execution> weak = e;
        deadlines_.at(deadline, [this, weak] { on_deadline(weak); });
    }
    pool_.post(e);
    return e;
}

std::shared_ptr<Scheduler::Lane> Scheduler::lane(const std::string& ref) {
    std::lock_guard lock(lanes_mu_);
    auto& l = lanes_[ref];
    if (!l) l = std::make_shared<Lane>();
    return l;
}

void Scheduler::execute(std::shared_ptr<Execution> e) {
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
    // Fails when it was canceled or timed out while queued.
    if (!e->transition(Status::running, nullptr, Status::scheduled)) return;
    const auto& action = e->action();
    actions::RunOutcome outcome;
    if (!e->stop_requested()) {
        outcome = action.runner->run(action, *e);
    }
    bool timed_out = e->deadline_passed() || (e->deadline_ns() != 0 && core::monotonic_ns() >= e->deadline_ns());
    Status final;
    json result = std::move(outcome.result);
    // A runner's own result (a script's stdout so far) is kept; the reason
    // goes next to it.
    auto with_error = [&](const char* why) {
        if (!result.is_object()) result = json::object();
        result["error"] = why;
    };
    if (timed_out) {
        final = Status::timeout;
        with_error("execution timed out");
    } else if (e->cancel_requested()) {
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
    if (!close(*e, final, std::move(result))) {
        spdlog::warn("execution {} ({}) returned after it was closed; its result was dropped", e->id(), action.ref);
    }
}

void Scheduler::on_deadline(const std::weak_ptr<Execution>& weak) {
    auto e = weak.lock();
    if (!e || e->done()) return;
    e->mark_deadline_passed();
    json result{{"error", "execution timed out before it started"}};
    if (close(*e, Status::timeout, result, Status::scheduled)) return;
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
    if (close(*e, status, json{{"error", msg}})) {
        spdlog::error("execution {} ({}): {}", e->id(), e->action().ref, msg);
    }
}

bool Scheduler::cancel(const std::string& id) {
    auto e = history_.find(id);
    if (!e) throw core::NotFound("execution '" + id + "' does not exist");
    if (e->done()) return false;
    e->request_cancel();
    json result{{"error", "execution was canceled before it started"}};
    if (close(*e, Status::canceled, result, Status::scheduled)) return true;
    if (e->transition(Status::canceling, nullptr, Status::running)) {
        std::weak_ptr<Execution> weak = e;
        deadlines_.at(core::monotonic_ns() + std::chrono::nanoseconds(options_.stop_grace).count(),
                      [this, weak] { close_if_stuck(weak, Status::canceled, "was canceled"); });
    }
    return !e->done() || e->status() == Status::canceled;
}

bool Scheduler::close(Execution& e, Status status, json result, std::optional<Status> only_from) {
    if (!e.transition(status, std::move(result), only_from)) return false;
    record(e);
    return true;
}

void Scheduler::record(const Execution& e) {
    if (options_.store) options_.store->save(e.snapshot(false, options_.secrets));
}

size_t Scheduler::shutdown() {
    if (shut_down_) return abandoned_;
    shut_down_ = true;
    auto unstarted = pool_.stop(options_.stop_grace + std::chrono::milliseconds(500));
    for (auto& e : unstarted) {
        e->request_cancel();
        close(*e, Status::canceled, json{{"error", "host shut down before the execution started"}});
    }
    deadlines_.stop();
    abandoned_ = pool_.abandoned_workers();
    if (options_.store) options_.store->flush();
    return abandoned_;
}

}  // namespace packhost::executions

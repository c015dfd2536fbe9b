#include "workflows/action_chain/run.hpp"

#include "workflows/expressions.hpp"

namespace packhost::workflows::action_chain {

Run::Run(std::shared_ptr<const Chain> chain, actions::Invocation& invocation, expr::TemplateCache& cache)
    : WorkflowRun(invocation, "action chain"), chain_(std::move(chain)), cache_(cache) {}

void Run::on_error(const std::string& message) {
    child_.clear();
    any_failed_ = true;
    end_chain(message);
}

void Run::on_child_end(const Key& key, const actions::ChildEnd& end) {
    if (key.task != step_ || end.id != child_) return;
    task_ended(end);
}

void Run::on_cancel() {
    canceling_ = true;
    pending_.clear();
    if (!child_.empty()) {
        cancel_child(child_);
    } else {
        end_chain();
    }
}

void Run::on_pause() {
    paused_ = true;
    record_chain();
    if (child_.empty()) orch_.paused(inv_, true);
}

void Run::on_resume() {
    paused_ = false;
    record_chain();
    orch_.paused(inv_, false);
    if (!pending_.empty()) {
        auto it = chain_->by_name.find(pending_);
        pending_.clear();
        if (it != chain_->by_name.end()) run_task(it->second);
    } else if (child_.empty()) {
        end_chain();
    }
}

void Run::on_start() {
    base_ = Json(inv_.parameters());
    try {
        for (const auto& [name, value] : chain_->vars) {
            expr::Context ctx(base_);
            expr::add_global_functions(ctx);
            base_[name] = render_tree(value, ctx, cache_);
        }
    } catch (const std::exception& ex) {
        any_failed_ = true;
        end_chain(std::string("vars: ") + ex.what());
        return;
    }
    scope_ = base_;
    scope_["__results"] = Json::object();
    record(-2, dump_json(base_));  // parameters and vars: written once
    record_chain();
    run_task(chain_->start);
}

void Run::run_task(size_t index) {
    const auto& task = chain_->tasks[index];
    if (canceling_ || over_limit_) {
        end_chain();
        return;
    }
    if (paused_) {
        pending_ = task.name;
        record_chain();
        orch_.paused(inv_, true);
        return;
    }
    if (steps_.size() >= limits_.max_tasks) {
        any_failed_ = true;
        end_chain("the chain ran " + std::to_string(steps_.size()) +
                  " tasks, the most one workflow may run (a loop that never ends? the limit is --workflow-max-tasks)");
        return;
    }
    step_ = static_cast<int64_t>(steps_.size());
    steps_.push_back(Json{{"name", task.name}, {"execution_id", nullptr}, {"state", "running"}, {"result", nullptr}});
    Json params;
    std::string error;
    try {
        expr::Context ctx(scope_);
        expr::add_global_functions(ctx);
        params = render_tree(task.parameters, ctx, cache_);
    } catch (const std::exception& ex) {
        error = "parameters: " + std::string(ex.what());
    }
    if (error.empty()) {
        try {
            child_ = start_child(task.ref, Json(params), Json{{"action_chain", {{"task", task.name}, {"step", step_}}}},
                                 Key{step_, 0, -1});
            steps_[step_]["execution_id"] = child_;
            record_step();
            return;
        } catch (const std::exception& ex) {
            error = ex.what();
        }
    }
    child_.clear();
    task_ended({"", core::Status::failed, Json{{"error", error}}});
}

void Run::task_ended(const actions::ChildEnd& end) {
    child_.clear();
    size_t index = chain_->by_name.at(steps_[step_]["name"].get<std::string>());
    const auto& task = chain_->tasks[index];
    bool ok = end.status == core::Status::succeeded;
    Json result = Json(end.result);
    auto& s = steps_[step_];
    s["state"] = core::to_string(end.status);
    s["result"] = result;
    record_step();
    scope_[task.name] = result;
    scope_["__results"][task.name] = result;
    if (!ok) {
        any_failed_ = true;
        last_error_ = "task '" + task.name + "' " + std::string(core::to_string(end.status));
        if (result.is_object() && result.contains("error") && result["error"].is_string()) {
            last_error_ += ": " + result["error"].get<std::string>();
        }
    }
    try {
        for (const auto& [name, value] : task.publish) {
            expr::Context ctx(scope_);
            expr::add_global_functions(ctx);
            Json v = render_tree(value, ctx, cache_);
            scope_[name] = v;
            base_[name] = v;
            published_[name] = std::move(v);
        }
    } catch (const std::exception& ex) {
        any_failed_ = true;
        end_chain("task '" + task.name + "': publish: " + ex.what());
        return;
    }
    go_on(index, ok);
}

void Run::go_on(size_t index, bool ok) {
    const auto& task = chain_->tasks[index];
    const std::string& next = ok ? task.on_success : task.on_failure;
    step_ = -1;
    if (next.empty() || canceling_ || over_limit_) {
        end_chain();
        return;
    }
    record_chain();
    run_task(chain_->by_name.at(next));
}

void Run::end_chain(const std::string& error) {
    if (finished()) return;
    if (!child_.empty()) return;  // ends when its task does
    record_chain();
    Json result{{"tasks", Json(steps_)}, {"published", Json(published_)}};
    actions::RunOutcome outcome;
    if (canceling_) {
        outcome = {actions::RunOutcome::Kind::canceled, std::move(result)};
    } else if (any_failed_) {
        result["error"] = error.empty() ? last_error_ : error;
        outcome = {actions::RunOutcome::Kind::failed, std::move(result)};
    } else {
        outcome = {actions::RunOutcome::Kind::succeeded, std::move(result)};
    }
    finish(std::move(outcome));
}

void Run::record_step() { record(step_, dump_json(steps_[step_])); }

void Run::record_chain() {
    record(-1, dump_json(Json{{"published", published_},
                              {"any_failed", any_failed_},
                              {"last_error", last_error_},
                              {"pending", pending_},
                              {"paused", paused_},
                              {"finished", finished()}}));
}

void Run::record(int64_t key, std::string text) {
    if (!write({key, std::move(text)}) && !over_limit_) {
        over_limit_ = true;
        any_failed_ = true;
        last_error_ = "the chain's recorded state grew past " + std::to_string(limits_.max_state_bytes >> 20) +
                      " MiB, the most one workflow may record (the limit is --workflow-max-state)";
        pending_.clear();  // no further task starts
    }
}

void Run::on_restore() {
    auto parts = recorded_state();
    bool have_chain = false;
    for (auto& p : parts) {
        Json s = parse_json(p.state);
        if (p.seq == -2) {
            base_ = std::move(s);
        } else if (p.seq == -1) {
            have_chain = true;
            published_ = s.value("published", Json::object());
            any_failed_ = s.value("any_failed", false);
            last_error_ = s.value("last_error", std::string());
            pending_ = s.value("pending", std::string());
            paused_ = s.value("paused", false);
        } else {
            steps_.push_back(std::move(s));
        }
    }
    if (!have_chain) {
        on_start();
        return;
    }
    if (!base_.is_object()) base_ = Json::object();
    for (const auto& [k, v] : published_.items()) base_[k] = v;
    scope_ = base_;
    scope_["__results"] = Json::object();
    for (const auto& s : steps_) {
        if (s.value("state", std::string()) == "running") continue;
        scope_[s["name"].get<std::string>()] = s["result"];
        scope_["__results"][s["name"].get<std::string>()] = s["result"];
    }
    if (!steps_.empty() && steps_.back().value("state", std::string()) == "running") {
        step_ = static_cast<int64_t>(steps_.size()) - 1;
        std::string name = steps_.back()["name"];
        auto recorded = orch_.recorded_children(inv_.execution_id());
        std::vector<const actions::Orchestration::RecordedChild*> mine;
        for (const auto& c : recorded) {
            auto a = c.context.find("action_chain");
            if (a != c.context.end() && a->value("step", int64_t{-1}) == step_) mine.push_back(&c);
        }
        std::string noted = steps_.back().value("execution_id", Json()).is_string()
                                ? steps_.back()["execution_id"].get<std::string>()
                                : std::string();
        auto end = settle_child(mine, noted, chain_->tasks[chain_->by_name.at(name)].ref,
                                Json{{"action_chain", {{"task", name}, {"step", step_}}}});
        if (!end) {
            steps_.erase(steps_.size() - 1);  // it never ran: run it now
            step_ = -1;
            run_task(chain_->by_name.at(name));
            return;
        }
        child_ = end->id;
        task_ended(*end);
        return;
    }
    if (!pending_.empty()) {
        if (!paused_) {
            auto it = chain_->by_name.find(pending_);
            pending_.clear();
            if (it != chain_->by_name.end()) run_task(it->second);
        } else {
            orch_.paused(inv_, true);
        }
        return;
    }
    // The last recorded step ended; where the chain goes from there.
    if (steps_.empty()) {
        run_task(chain_->start);
        return;
    }
    const auto& last = steps_.back();
    step_ = -1;
    go_on(chain_->by_name.at(last["name"].get<std::string>()), last.value("state", std::string()) == "succeeded");
}

}  // namespace packhost::workflows::action_chain

#include "workflows/orquesta/conductor.hpp"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <map>
#include <stdexcept>

#include "workflows/expressions.hpp"
#include "workflows/orquesta/machines.hpp"

namespace packhost::workflows::orquesta {
namespace {

// Orquesta's merge_dicts(left, right, overwrite=True): objects merge key by
// key, recursively; anything else is replaced.
void merge_into(Json& left, const Json& right) {
    if (!right.is_object()) return;
    if (!left.is_object()) left = Json::object();
    for (const auto& [k, v] : right.items()) {
        auto it = left.find(k);
        if (it != left.end() && it->is_object() && v.is_object()) {
            merge_into(*it, v);
        } else {
            left[k] = v;
        }
    }
}

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

bool is_engine_command(const std::string& id) {
    return id == "continue" || id == "fail" || id == "noop" || id == "retry";
}

bool is_number(const Json& j) { return j.is_number() && !j.is_boolean(); }

// Orquesta's task_status(): a task not found on this route is looked up on
// the routes this one came from, the longest first.
Status lookup_status(const WorkflowState& state, const std::string& task_id, int route) {
    if (auto i = state.latest(task_id, route)) return state.sequence()[*i].status;
    if (route <= 0 || static_cast<size_t>(route) >= state.routes().size()) return Status::unset;
    const auto& current = state.routes()[static_cast<size_t>(route)];
    for (int prev = route - 1; prev >= 0; --prev) {
        const auto& details = state.routes()[static_cast<size_t>(prev)];
        bool subset = std::all_of(details.begin(), details.end(), [&](const std::string& d) {
            return std::find(current.begin(), current.end(), d) != current.end();
        });
        if (subset) return lookup_status(state, task_id, prev);
    }
    return Status::unset;
}

}  // namespace

// --- construction -------------------------------------------------------------

Conductor::Conductor(std::shared_ptr<const Graph> graph, expr::TemplateCache& cache, const Json& inputs, Json context,
                     HostLookups host)
    : graph_(std::move(graph)), cache_(cache) {
    define_functions(std::move(host));
    Json ctx = context.is_object() ? std::move(context) : Json::object();
    std::vector<std::string> errors;
    // Input: what the execution was given, else the default; each rendered
    // over what came before it.
    for (const auto& [name, def] : graph_->workflow().input) {
        Json value = inputs.is_object() && inputs.contains(name) && !inputs[name].is_null() ? inputs[name]
                     : def                                                                  ? *def
                                                                                            : Json(nullptr);
        try {
            ctx[name] = evaluate(value, Scope{&ctx});
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    }
    for (const auto& [name, value] : graph_->workflow().vars) {
        try {
            Json v = evaluate(value, Scope{&ctx});
            ctx[name] = std::move(v);
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    }
    if (!errors.empty()) {
        for (const auto& e : errors) log_error(e);
        request_workflow_status(Status::failed);
        return;
    }
    state_.add_context(ContextNode{-1, -1, std::move(ctx)});
    state_.add_route({});
    for (size_t root : graph_->roots()) {
        StagedTask s;
        s.id = graph_->node(root).id;
        s.ready = true;
        state_.add_staged(std::move(s));
    }
}

Conductor::Conductor(std::shared_ptr<const Graph> graph, expr::TemplateCache& cache, WorkflowState state,
                     HostLookups host)
    : graph_(std::move(graph)), cache_(cache), state_(std::move(state)) {
    define_functions(std::move(host));
    for (const auto& t : state_.sequence()) {
        if (!graph_->find(t.id))
            throw std::runtime_error("recorded task '" + t.id + "' is not in the workflow definition any more");
    }
    for (const auto& s : state_.staged()) {
        if (!graph_->find(s.id))
            throw std::runtime_error("recorded task '" + s.id + "' is not in the workflow definition any more");
    }
}

// --- expressions -------------------------------------------------------------------

void Conductor::define_functions(HostLookups host) {
    functions_.set_strict(true);  // Orquesta renders with jinja2's StrictUndefined
    expr::add_global_functions(functions_);
    functions_.define_function("ctx", [this](expr::CallArgs& a) -> expr::Value {
        a.check("ctx", {"name"});
        if (!scope_.ctx) throw expr::EvalError("ExpressionEvaluationException: The context is not set.");
        if (!a.get(0, "name")) return expr::Value::borrow(*scope_.ctx);
        std::string name = arg_text(a, 0, "name", "ctx");
        auto it = scope_.ctx->find(name);
        if (it == scope_.ctx->end())
            throw expr::EvalError("VariableUndefinedError: The variable \"" + name + "\" is undefined.");
        return expr::Value::borrow(*it);
    });
    // StackStorm's st2kv('system.k', decrypt=true, default=...), with its words.
    functions_.define_function("st2kv", [read = std::move(host.datastore_value)](expr::CallArgs& a) -> expr::Value {
        a.check("st2kv", {"key", "decrypt", "default"});
        const expr::Value* key = a.get(0, "key");
        if (!key || !key->json().is_string()) throw expr::EvalError("st2kv(): Given key is not typeof string.");
        const expr::Value* decrypt = a.get(1, "decrypt");
        if (decrypt && !decrypt->json().is_boolean())
            throw expr::EvalError("st2kv(): Decrypt parameter is not typeof bool.");
        if (!read) throw expr::EvalError("st2kv(): this host keeps no datastore");
        // 'system.NAME', 'user.NAME', or 'NAME' in the user's scope.
        std::string scope = "user", name = key->json().get<std::string>();
        for (const char* s : {"system", "user"}) {
            if (name.size() > std::strlen(s) && name.rfind(s, 0) == 0 && name[std::strlen(s)] == '.') {
                scope = s;
                name.erase(0, std::strlen(s) + 1);
            }
        }
        std::optional<std::string> value;
        try {
            value = read(scope, name, decrypt && decrypt->json().get<bool>());
        } catch (const std::exception& e) {
            throw expr::EvalError(std::string("st2kv(): ") + e.what());
        }
        if (value) return Json(std::move(*value));
        if (const expr::Value* fallback = a.get(2, "default")) return *fallback;
        throw expr::EvalError("The key \"" + name + "\" does not exist in the StackStorm datastore.");
    });
    functions_.define_function("result", [this](expr::CallArgs& a) -> expr::Value {
        a.check("result", {});
        if (!scope_.task)
            throw expr::EvalError("ExpressionEvaluationException: The current task is not set in the context.");
        if (!scope_.result) return Json(nullptr);
        return expr::Value::borrow(*scope_.result);
    });
    functions_.define_function("item", [this](expr::CallArgs& a) -> expr::Value {
        a.check("item", {"key"});
        if (!scope_.item) throw expr::EvalError("item() is only known in a task with items");
        if (!a.get(0, "key")) return expr::Value::borrow(*scope_.item);
        std::string key = arg_text(a, 0, "key", "item");
        if (!scope_.item->is_object())
            throw expr::EvalError("ExpressionEvaluationException: Item is not type of collections.Mapping.");
        auto it = scope_.item->find(key);
        if (it == scope_.item->end())
            throw expr::EvalError("ExpressionEvaluationException: Item does not have key \"" + key + "\".");
        return expr::Value::borrow(*it);
    });
    auto status_is = [this](const char* fn, bool (*test)(Status)) {
        return [this, fn, test](expr::CallArgs& a) -> expr::Value {
            a.check(fn, {});
            if (!scope_.task)
                throw expr::EvalError("ExpressionEvaluationException: The current task is not set in the context.");
            return Json(test(lookup_status(state_, *scope_.task, scope_.route)));
        };
    };
    functions_.define_function("succeeded", status_is("succeeded", [](Status s) { return s == Status::succeeded; }));
    functions_.define_function("failed", status_is("failed", [](Status s) { return s == Status::failed; }));
    functions_.define_function("completed", status_is("completed", [](Status s) { return is_completed(s); }));
    functions_.define_function("task_status", [this](expr::CallArgs& a) -> expr::Value {
        a.check("task_status", {"task_id", "route"});
        std::string id = arg_text(a, 0, "task_id", "task_status");
        int route = scope_.task ? scope_.route : 0;
        if (const auto* r = a.get(1, "route"); r && r->json().is_number_integer()) route = r->json().get<int>();
        return Json(std::string(to_string(lookup_status(state_, id, route))));
    });
    // Orquesta's zip(a, b, ..., pad=x): zip_longest, null lists as empty; one list is itself.
    functions_.define_function("zip", [](expr::CallArgs& a) -> expr::Value {
        Json pad = nullptr;
        for (const auto& [k, v] : a.named) {
            if (k != "pad") throw expr::EvalError("zip() got an unexpected keyword argument '" + k + "'");
            pad = v.to_json();
        }
        std::vector<Json> lists;
        size_t longest = 0;
        for (const auto& v : a.positional) {
            const Json& j = v.to_json();
            if (!j.is_null() && !j.is_array()) throw expr::EvalError("zip(): every argument must be a list");
            lists.push_back(j.is_null() ? Json::array() : j);
            longest = std::max(longest, lists.back().size());
        }
        if (lists.size() == 1) return lists[0];
        Json out = Json::array();
        for (size_t i = 0; i < longest; ++i) {
            Json row = Json::array();
            for (const auto& l : lists) row.push_back(i < l.size() ? l[i] : pad);
            out.push_back(std::move(row));
        }
        return out;
    });
    // Orquesta's json(): a dict as it is, JSON text parsed.
    functions_.define_function("json", [](expr::CallArgs& a) -> expr::Value {
        a.check("json", {"s"});
        const auto* v = a.get(0, "s");
        if (!v) throw expr::EvalError("json() needs a value");
        const Json& j = v->to_json();
        if (j.is_object()) return *v;
        if (!j.is_string()) throw expr::EvalError("TypeError: Given object is not typeof string.");
        try {
            return parse_json(j.get<std::string>());
        } catch (const std::exception& e) {
            throw expr::EvalError(std::string("ValueError: ") + e.what());
        }
    });
    // StackStorm's task(): a task's latest run on this route (or the given one).
    functions_.define_function("task", [this](expr::CallArgs& a) -> expr::Value {
        a.check("task", {"task_id", "route"});
        std::string id;
        if (a.get(0, "task_id")) {
            id = arg_text(a, 0, "task_id", "task");
        } else if (scope_.task) {
            id = *scope_.task;
        } else {
            throw expr::EvalError("task(): no task given and no current task");
        }
        int route = scope_.task ? scope_.route : 0;
        if (const auto* r = a.get(1, "route"); r && r->json().is_number_integer()) route = r->json().get<int>();
        auto index = state_.latest(id, route);
        for (int r = route; !index && r > 0; --r) index = state_.latest(id, r - 1);
        if (!index) throw expr::EvalError("task(): task '" + id + "' has not run");
        const auto& t = state_.sequence()[*index];
        Json result = nullptr;
        if (scope_.task && *scope_.task == id && scope_.route == t.route && scope_.result) {
            result = *scope_.result;
        } else if (auto r = results_.find({t.id, t.route}); r != results_.end()) {
            result = r->second;
        }
        // A task with items: StackStorm's task execution keeps each item's result under "items".
        if (const Node& node = graph_->at(t.id); node.task && node.task->items && result.is_array()) {
            Json items = Json::array();
            for (auto& r : result) items.push_back(Json{{"result", std::move(r)}});
            result = Json{{"items", std::move(items)}};
        }
        Json wf_id = nullptr;
        if (state_.context_count() > 0) {
            const Json& root = state_.context(0).set;
            if (root.contains("st2") && root["st2"].contains("workflow_execution_id"))
                wf_id = root["st2"]["workflow_execution_id"];
        }
        return Json{{"task_id", t.id},
                    {"task_name", t.id},
                    {"route", t.route},
                    {"status", to_string(t.status)},
                    {"result", std::move(result)},
                    {"workflow_execution_id", wf_id}};
    });
}

Json Conductor::evaluate(const Json& value, const Scope& scope) {
    scope_ = scope;
    struct Reset {
        Scope& s;
        ~Reset() { s = Scope{}; }
    } reset{scope_};
    return render_tree(value, functions_, cache_);
}

bool Conductor::evaluate_criteria(const std::string& expression, const Scope& scope) {
    return truthy(evaluate(Json(expression), scope));
}

// --- contexts ----------------------------------------------------------------------

std::shared_ptr<const Json> Conductor::changes_of(int64_t id) {
    static const auto empty = std::make_shared<const Json>(Json::object());
    if (id <= 0) return empty;
    if (auto it = changes_.find(id); it != changes_.end()) return it->second;
    // Back along the bases to one already known, then forward.
    std::vector<int64_t> chain;
    int64_t at = id;
    std::shared_ptr<const Json> known = empty;
    while (at > 0) {
        if (auto it = changes_.find(at); it != changes_.end()) {
            known = it->second;
            break;
        }
        chain.push_back(at);
        at = state_.context(at).base;
    }
    Json value = *known;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const auto& node = state_.context(*it);
        if (node.merge >= 0) {
            merge_into(value, *changes_of(node.merge));
        } else {
            merge_into(value, node.set);
        }
    }
    auto out = std::make_shared<const Json>(std::move(value));
    // A few hundred recent ones: tasks read the contexts their predecessors made.
    changes_[id] = out;
    changes_order_.push_back(id);
    if (changes_order_.size() > 512) {
        changes_.erase(changes_order_.front());
        changes_order_.pop_front();
    }
    return out;
}

const Json& Conductor::context_ref(int64_t id, Json& storage) {
    if (id <= 0) return state_.context(0).set;  // nothing published: no copy
    storage = state_.context(0).set;
    merge_into(storage, *changes_of(id));
    return storage;
}

Json Conductor::context_value(int64_t id) {
    Json value = state_.context(0).set;
    if (id > 0) merge_into(value, *changes_of(id));
    return value;
}

Json Conductor::task_context(const std::string& task_id, int route) {
    if (const auto* s = state_.find_staged(task_id, route)) return context_value(s->ctx);
    if (auto i = state_.latest(task_id, route)) return context_value(state_.sequence()[*i].ctx);
    return context_value(0);
}

Json Conductor::terminal_context() {
    Json ctx = Json::object();
    bool first = true;
    for (const auto& t : state_.sequence()) {
        if (!t.term) continue;
        if (first) {
            ctx = context_value(t.ctx);
            first = false;
        } else {
            merge_into(ctx, *changes_of(t.ctx));
        }
    }
    return ctx;
}

// --- workflow status ---------------------------------------------------------------

void Conductor::request_workflow_status(Status status) {
    Status before = state_.status();
    // Active tasks hear of it first (a task with items may pause or cancel).
    for (size_t i = 0; i < state_.sequence().size(); ++i) {
        if (state_.is_latest(i) && is_active(state_.sequence()[i].status)) task_machine_workflow_event(i, status);
    }
    workflow_machine_workflow_event(status);
    Status after = state_.status();
    if (status == Status::paused && before == Status::pausing && after == Status::pausing) return;
    if (status == Status::canceled && before == Status::canceling && after == Status::canceling) return;
    if (status != before && before == after) {
        throw std::logic_error("Unable to process event \"workflow_" + std::string(to_string(status)) +
                               "\" for workflow in \"" + std::string(to_string(before)) + "\" status.");
    }
}

void Conductor::log_error(const std::string& message, const std::string& task_id, std::optional<int> route,
                          const std::string& transition_id) {
    Json e{{"type", "error"}, {"message", message}};
    if (!task_id.empty()) e["task_id"] = task_id;
    if (route) e["route"] = *route;
    if (!transition_id.empty()) e["task_transition_id"] = transition_id;
    state_.add_error(std::move(e));
}

void Conductor::render_workflow_output() {
    if (!is_completed(state_.status()) || state_.output()) return;
    Json ctx = terminal_context();
    Json outputs = Json::object();
    std::vector<std::string> errors;
    for (const auto& [name, value] : graph_->workflow().output) {
        try {
            Json v = evaluate(value, Scope{&ctx});
            ctx[name] = v;  // a later output may read an earlier one
            outputs[name] = std::move(v);
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    }
    if (!outputs.empty()) state_.set_output(std::move(outputs));
    if (!errors.empty()) {
        for (const auto& e : errors) log_error(e);
        Status s = state_.status();
        if (s != Status::timeout && s != Status::abandoned && s != Status::canceled)
            request_workflow_status(Status::failed);
    }
}

// --- next tasks ---------------------------------------------------------------------

bool Conductor::has_staged_tasks() const {
    for (const auto& s : state_.staged()) {
        if (s.ready && !s.completed) return true;
    }
    return false;
}

bool Conductor::has_active_tasks() const {
    for (Status s : {Status::requested, Status::scheduled, Status::delayed, Status::running, Status::resuming,
                     Status::pausing, Status::canceling}) {
        if (state_.count_latest(s) > 0) return true;
    }
    return false;
}

Status Conductor::status_of(const std::string& task_id, int route) const {
    return lookup_status(state_, task_id, route);
}

Conductor::RenderedItems Conductor::render_items(const Task& task, const Scope& scope) {
    RenderedItems r;
    Json items = evaluate(Json(*task.items), scope);
    if (!items.is_array()) {
        // Orquesta's words.
        throw std::runtime_error("TypeError: The value of \"" + *task.items + "\" is not type of list.");
    }
    for (size_t i = 0; i < items.size(); ++i) {
        Json item = items[i];
        const auto& names = task.item_names;
        if (!names.empty() && item.is_array()) {
            Json zipped = Json::object();
            for (size_t k = 0; k < names.size() && k < item.size(); ++k) zipped[names[k]] = item[k];
            item = std::move(zipped);
        } else if (names.size() == 1) {
            item = Json{{names[0], std::move(item)}};
        }
        Scope item_scope = scope;
        item_scope.item = &item;
        r.actions.push_back({task.action, evaluate(task.input, item_scope), i});
    }
    if (!task.concurrency.is_null()) {
        Json c = evaluate(task.concurrency, scope);
        if (!c.is_number_integer() || c.get<int64_t>() <= 0) {
            throw std::runtime_error("TypeError: with concurrency must be a positive number, got " + c.dump());
        }
        r.concurrency = c.get<int64_t>();
    }
    return r;
}

TaskRequest Conductor::get_task(const StagedTask& staged) {
    const Node& node = graph_->at(staged.id);
    if (!node.task) throw std::logic_error("engine command '" + staged.id + "' cannot run as a task");
    const Task& task = *node.task;
    // A task with nothing to render (no input, delay or items: most tasks
    // of a chain) needs no copy of its context.
    bool renders = !task.delay.is_null() || task.items || !task.input.empty();  // null is empty too
    static const Json kNoContext = Json::object();
    Json storage;
    const Json& ctx = renders ? context_ref(staged.ctx, storage) : kNoContext;
    Scope scope{&ctx, &staged.id, staged.route};
    TaskRequest req;
    req.id = staged.id;
    req.route = staged.route;
    if (!task.delay.is_null()) {
        Json d = evaluate(task.delay, scope);
        if (!is_number(d) || d.get<double>() < 0 || !std::isfinite(d.get<double>())) {
            throw std::runtime_error("TypeError: the value of task delay is not a number of seconds: " + d.dump());
        }
        req.delay = d.get<double>();
    }
    if (!task.items) {
        req.actions.push_back(
            {task.action, task.action.empty() ? Json::object() : evaluate(task.input, scope), std::nullopt});
        return req;
    }
    // Items are rendered once per staged task (by its uid), then handed out
    // as the concurrency allows, those not started first.
    StagedTask* s = state_.edit_staged(staged.id, staged.route);
    const RenderedItems* rendered = nullptr;
    RenderedItems fresh;
    if (auto it = rendered_items_.find(s->uid); s->uid >= 0 && it != rendered_items_.end()) {
        rendered = &it->second;
    } else {
        fresh = render_items(task, scope);
    }
    if (!s->items || s->items->empty())
        state_.init_items(*s, rendered ? rendered->actions.size() : fresh.actions.size());
    if (!rendered) rendered = &(rendered_items_[s->uid] = std::move(fresh));
    req.items_count = rendered->actions.size();
    req.concurrency = rendered->concurrency;
    size_t active = 0;
    for (Status st : {Status::requested, Status::scheduled, Status::delayed, Status::running, Status::resuming,
                      Status::pausing, Status::canceling}) {
        active += s->items_in(st);
    }
    size_t room = req.concurrency ? (static_cast<size_t>(*req.concurrency) > active ? *req.concurrency - active : 0)
                                  : rendered->actions.size();
    const auto& items = *s->items;
    while (s->first_unset < items.size() && items[s->first_unset] != Status::unset) ++s->first_unset;
    for (size_t i = s->first_unset; i < items.size() && room > 0; ++i) {
        if (items[i] != Status::unset) continue;
        req.actions.push_back(rendered->actions[i]);
        --room;
    }
    return req;
}

TaskRequest Conductor::render_task(const std::string& task_id, int route) {
    StagedTask s;
    s.id = task_id;
    s.route = route;
    if (auto i = state_.latest(task_id, route)) s.ctx = state_.sequence()[*i].ctx;
    s.uid = -1;  // not staged: render, do not touch items
    const Node& node = graph_->at(task_id);
    if (!node.task) throw std::logic_error("engine command '" + task_id + "' cannot run as a task");
    Json ctx = context_value(s.ctx);
    Scope scope{&ctx, &s.id, route};
    TaskRequest req;
    req.id = task_id;
    req.route = route;
    req.actions.push_back({node.task->action,
                           node.task->action.empty() ? Json::object() : evaluate(node.task->input, scope),
                           std::nullopt});
    return req;
}

std::vector<TaskRequest> Conductor::get_next_tasks() {
    std::vector<TaskRequest> next;
    // Items rendered for staged tasks that are gone are of no more use.
    for (auto it = rendered_items_.begin(); it != rendered_items_.end();) {
        bool staged = std::any_of(state_.staged().begin(), state_.staged().end(),
                                  [&](const StagedTask& s) { return s.uid == it->first; });
        it = staged ? std::next(it) : rendered_items_.erase(it);
    }
    std::vector<const StagedTask*> candidates, remediation;
    for (const auto& s : state_.staged()) {
        if (!s.ready || s.completed) continue;
        candidates.push_back(&s);
        if (s.run_on_fail) remediation.push_back(&s);
    }
    if (state_.status() != Status::failed) remediation.clear();
    if (!is_running(state_.status()) && remediation.empty()) return next;
    // Copies: rendering may touch the staged list (items).
    std::vector<std::pair<std::string, int>> todo;
    for (const auto* s : remediation.empty() ? candidates : remediation) todo.emplace_back(s->id, s->route);
    bool failed = false;
    for (const auto& [id, route] : todo) {
        const StagedTask* s = state_.find_staged(id, route);
        if (!s) continue;
        try {
            std::optional<double> retry_delay;
            if (s->retry) retry_delay = s->retry->delay;
            TaskRequest t = get_task(*s);
            if (retry_delay) t.delay = retry_delay;
            if (!t.actions.empty() || (t.items_count && *t.items_count == 0)) next.push_back(std::move(t));
        } catch (const std::exception& e) {
            failed = true;
            log_error(e.what(), id, route);
        }
    }
    if (failed) {
        request_workflow_status(Status::failed);
        return {};
    }
    std::sort(next.begin(), next.end(), [](const TaskRequest& a, const TaskRequest& b) {
        return a.id != b.id ? a.id < b.id : a.route < b.route;
    });
    return next;
}

// --- task states ---------------------------------------------------------------------

void Conductor::setup_retry(TaskState& entry, int64_t ctx) {
    const auto& spec = *graph_->at(entry.id).retry;
    RetryState r;
    r.when = spec.when;
    Json in = context_value(ctx);
    Scope scope{&in};
    Json count = spec.count.is_string() ? evaluate(spec.count, scope) : spec.count;
    if (!count.is_number_integer()) {
        throw std::runtime_error("ValueError: The retry count for task \"" + entry.id +
                                 "\" is not an integer: " + count.dump());
    }
    r.count = count.get<int64_t>();
    if (!spec.delay.is_null()) {
        Json delay = spec.delay.is_string() ? evaluate(spec.delay, scope) : spec.delay;
        if (!is_number(delay) || delay.get<double>() < 0) {
            throw std::runtime_error("ValueError: The retry delay for task \"" + entry.id +
                                     "\" is not a number: " + delay.dump());
        }
        r.delay = delay.get<double>();
    }
    entry.retry = std::move(r);
}

size_t Conductor::add_task_state(const std::string& task_id, int route, int64_t ctx, const Backrefs& prev) {
    TaskState t;
    t.id = task_id;
    t.route = route;
    t.ctx = ctx;
    t.prev = prev;
    if (graph_->at(task_id).retry) setup_retry(t, ctx);
    return state_.add_task(std::move(t));
}

bool Conductor::evaluate_task_retry(size_t index, const Scope& scope) {
    const auto& entry = state_.sequence()[index];
    if (!entry.retry) return false;
    if (entry.retry->tally >= entry.retry->count) return false;
    if (!entry.retry->when) return is_abended(entry.status);
    return evaluate_criteria(*entry.retry->when, scope);
}

int Conductor::evaluate_route(const Edge& edge, int prev_route) {
    const Node& to = graph_->node(edge.to);
    if (!to.split || to.in_cycle) return prev_route;
    const auto& old = state_.routes().at(static_cast<size_t>(prev_route));
    if (std::find(old.begin(), old.end(), edge.backref) != old.end()) return prev_route;
    auto details = old;
    details.push_back(edge.backref);
    return state_.add_route(std::move(details));
}

Conductor::Inbound Conductor::inbound_criteria(size_t node_index, int route) {
    const Node& node = graph_->node(node_index);
    // Per inbound task (not per transition): none (not run), false or true.
    std::vector<std::pair<size_t, std::optional<bool>>> evaluation;
    auto slot = [&](size_t from) -> std::optional<bool>& {
        for (auto& [f, v] : evaluation) {
            if (f == from) return v;
        }
        evaluation.emplace_back(from, std::nullopt);
        return evaluation.back().second;
    };
    for (size_t e : node.in) slot(graph_->edge(e).from);
    size_t requirement = node.barrier < 0    ? evaluation.size()
                         : node.barrier == 0 ? 1
                                             : static_cast<size_t>(node.barrier);
    for (size_t e : node.in) {
        const Edge& edge = graph_->edge(e);
        auto prev = state_.latest(graph_->node(edge.from).id, route);
        if (!prev) continue;
        bool satisfied = false;
        for (const auto& [tid, met] : state_.sequence()[*prev].next) {
            if (tid == edge.id) satisfied = met;
        }
        auto& v = slot(edge.from);
        if (!v || !*v) v = satisfied;
    }
    size_t met = 0;
    bool unknown = false;
    for (const auto& [from, v] : evaluation) {
        met += v && *v ? 1 : 0;
        unknown = unknown || !v;
    }
    if (met >= requirement) return Inbound::satisfied;
    if (unknown && (has_active_tasks() || has_staged_tasks())) return Inbound::wip;
    return Inbound::not_satisfied;
}

bool Conductor::has_next_tasks(const std::string& task_id, int route) {
    auto index = state_.latest(task_id, route);
    if (!index || !is_completed(state_.sequence()[*index].status)) return false;
    for (size_t e : graph_->at(task_id).out) {
        const Edge& edge = graph_->edge(e);
        const Node& next = graph_->node(edge.to);
        if (next.id == "continue") continue;
        bool met = false;
        for (const auto& [tid, v] : state_.sequence()[*index].next) {
            if (tid == edge.id) met = v;
        }
        if (!met) continue;
        if (next.barrier != 0 && inbound_criteria(edge.to, route) == Inbound::not_satisfied) continue;
        return true;
    }
    return false;
}

void Conductor::note_child(const std::string& task_id, int route, const std::string& child) {
    if (auto i = state_.latest(task_id, route)) state_.edit_task(*i).child = child;
}

void Conductor::note_item_started(const std::string& task_id, int route, size_t item) {
    StagedTask* s = state_.edit_staged(task_id, route);
    if (!s || !s->items || item >= s->items->size()) return;
    state_.set_item(*s, item, Status::running);
}

void Conductor::note_result(size_t sequence_index, Json result) {
    const auto& t = state_.sequence().at(sequence_index);
    results_[{t.id, t.route}] = std::move(result);
}

void Conductor::update_task_state(const std::string& task_id, int route, const Event& event) {
    const Node& node = graph_->at(task_id);
    const StagedTask* staged = state_.find_staged(task_id, route);
    auto index = state_.latest(task_id, route);
    if (!staged && !index) throw std::logic_error("Task \"" + task_id + "\" is not staged or has not started yet.");
    // An engine command gets a task state of its own each time.
    if (!index || is_engine_command(task_id)) index = add_task_state(task_id, staged->route, staged->ctx, staged->prev);
    // A completed task starting again: a loop.
    if (is_completed(state_.sequence()[*index].status) && is_starting(event.status) && staged) {
        index = add_task_state(task_id, staged->route, staged->ctx, staged->prev);
    }
    if (staged && !staged->items) {
        state_.remove_staged(task_id, route);
        staged = nullptr;
    }
    if (staged && event.kind == Event::Kind::item) {
        StagedTask* s = state_.edit_staged(task_id, route);
        if (s->items && event.item < s->items->size()) {
            state_.set_item(*s, event.item, event.status);
        }
        staged = s;
    }
    if (event.status == Status::failed) {
        Json e{{"type", "error"}, {"message", "Execution failed. See result for details."}, {"task_id", task_id}};
        if (!event.result.is_null()) e["result"] = event.result;
        state_.add_error(std::move(e));
    }
    Status old_status = state_.sequence()[*index].status;
    task_machine(*index, event);
    Status new_status = state_.sequence()[*index].status;

    if (new_status == Status::retrying) {
        auto& entry = state_.edit_task(*index);
        ++entry.retry->tally;
        state_.remove_staged(task_id, route);
        StagedTask s;
        s.id = task_id;
        s.route = route;
        s.ctx = entry.ctx;
        s.prev = entry.prev;
        s.retry = entry.retry;
        s.ready = true;
        state_.add_staged(std::move(s));
    }

    std::vector<std::pair<std::string, int>> engine_commands;
    if (is_completed(new_status)) {
        if (!(node.task && node.task->items && is_abended(new_status))) {
            state_.remove_staged(task_id, route);
        } else if (StagedTask* s = state_.edit_staged(task_id, route)) {
            s->completed = true;
        }
        // The task's result: the action's; with items, every item's.
        Json result = node.task && node.task->items
                          ? (event.kind == Event::Kind::item ? (event.accumulated ? *event.accumulated : Json::array())
                                                             : (event.result.is_null() ? Json::array() : event.result))
                          : event.result;
        results_[{task_id, route}] = result;
        Json storage;
        const Json& in = context_ref(state_.sequence()[*index].ctx, storage);
        Scope scope{&in, &task_id, route, &result};
        if (is_active(state_.status()) && evaluate_task_retry(*index, scope)) {
            update_task_state(task_id, route, Event::engine("retry"));
            return;
        }
        if (new_status != old_status) {
            bool manual_fail = false;
            std::vector<std::pair<std::string, int>> ready_next;
            if (node.out.empty()) state_.edit_task(*index).term = true;
            for (size_t e : node.out) {
                const Edge& edge = graph_->edge(e);
                bool met = false;
                try {
                    met = !edge.criteria || evaluate_criteria(*edge.criteria, scope);
                } catch (const std::exception& ex) {
                    log_error(ex.what(), task_id, route, edge.id);
                    request_workflow_status(Status::failed);
                    continue;
                }
                {
                    auto& next = state_.edit_task(*index).next;
                    auto it = std::find_if(next.begin(), next.end(), [&](const auto& p) { return p.first == edge.id; });
                    if (it == next.end()) {
                        next.emplace_back(edge.id, met);
                    } else {
                        it->second = met;
                    }
                }
                if (!met) continue;
                const Node& next_node = graph_->node(edge.to);
                // Publish: in order, each seeing those before it.
                Json published = Json::object();
                std::vector<std::string> errors;
                if (node.task && edge.ref < node.task->next.size() && !node.task->next[edge.ref].publish.empty()) {
                    Json rolling = in;
                    Scope publish_scope{&rolling, &task_id, route, &result};
                    for (const auto& [name, value] : node.task->next[edge.ref].publish) {
                        try {
                            Json v = evaluate(value, publish_scope);
                            rolling[name] = v;
                            published[name] = std::move(v);
                        } catch (const std::exception& ex) {
                            errors.push_back(ex.what());
                        }
                    }
                }
                if (!errors.empty()) {
                    for (const auto& err : errors) log_error(err, task_id, route, edge.id);
                    request_workflow_status(Status::failed);
                    continue;
                }
                int64_t out_ctx = state_.sequence()[*index].ctx;
                if (!published.empty()) out_ctx = state_.add_context(ContextNode{out_ctx, -1, std::move(published)});
                int next_route = evaluate_route(edge, route);
                StagedTask* staged_next = state_.edit_staged(next_node.id, next_route);
                if (staged_next) {
                    // What this branch adds (not the initial context, which
                    // would undo what other branches published).
                    if (out_ctx > 0)
                        staged_next->ctx = state_.add_context(ContextNode{staged_next->ctx, out_ctx, nullptr});
                    staged_next->prev.emplace_back(edge.backref, *index);
                    state_.reset_items(*staged_next);
                } else {
                    StagedTask s;
                    s.id = next_node.id;
                    s.route = next_route;
                    s.ctx = out_ctx;
                    s.prev = {{edge.backref, *index}};
                    s.ready = false;
                    staged_next = &state_.add_staged(std::move(s));
                }
                std::string next_id = staged_next->id;
                int staged_route = staged_next->route;
                // The inbound criteria use the route of the task that arrived.
                bool ready = inbound_criteria(edge.to, route) == Inbound::satisfied;
                staged_next = state_.edit_staged(next_id, staged_route);
                staged_next->ready = ready;
                if (is_engine_command(next_id)) {
                    engine_commands.emplace_back(next_id, staged_route);
                    manual_fail = manual_fail || next_id == "fail";
                } else if (ready) {
                    ready_next.emplace_back(next_id, staged_route);
                }
            }
            // A cleanup task next to `fail` still runs once the workflow failed.
            if (manual_fail) {
                for (const auto& [id, r] : ready_next) {
                    if (StagedTask* s = state_.edit_staged(id, r)) s->run_on_fail = true;
                }
            }
        }
    }
    workflow_machine_task_event(task_id, route, state_.sequence()[*index].status);
    for (const auto& [id, r] : engine_commands) update_task_state(id, r, Event::engine(id));
    if (is_completed(state_.status())) state_.edit_task(*index).term = true;
}

// --- state machines -----------------------------------------------------------------

void Conductor::task_machine(size_t index, const Event& event) {
    const auto& entry = state_.sequence()[index];
    std::string name = event.name;
    if (event.kind == Event::Kind::item) {
        Status s = event.status;
        bool qualifies = s == Status::resuming || s == Status::pending || s == Status::paused ||
                         s == Status::succeeded || s == Status::failed || s == Status::timeout ||
                         s == Status::abandoned || s == Status::canceled;
        const StagedTask* staged = state_.find_staged(entry.id, entry.route);
        if (qualifies && staged && staged->items) {
            // The other items: counts by status, less this one (already set to its new status).
            std::array<size_t, 16> others = staged->item_counts;
            if (event.item < staged->items->size()) --others[static_cast<size_t>((*staged->items)[event.item])];
            auto any = [&](bool (*test)(Status)) {
                for (size_t i = 0; i < others.size(); ++i) {
                    if (others[i] > 0 && test(static_cast<Status>(i))) return true;
                }
                return false;
            };
            bool active = any(is_active);
            bool incomplete = any([](Status st) { return !is_completed(st); });
            bool paused = any([](Status st) { return st == Status::pending || st == Status::paused; });
            bool canceled = any([](Status st) { return st == Status::canceled; });
            bool failed = any(is_abended);
            name += active ? "_task_active" : "_task_dormant";
            if (!active && paused) {
                name += "_items_paused";
            } else if (!active && canceled) {
                name += "_items_canceled";
            } else if (!active && failed) {
                name += "_items_failed";
            } else {
                name += incomplete ? "_items_incomplete" : "_items_completed";
            }
        }
    }
    if (auto to = next_task_status(entry.status, name)) state_.set_task_status(index, *to);
}

void Conductor::task_machine_workflow_event(size_t index, Status requested) {
    const auto& entry = state_.sequence()[index];
    std::string name = "workflow_" + std::string(to_string(requested));
    const StagedTask* staged = state_.find_staged(entry.id, entry.route);
    if ((is_pause(requested) || is_cancel(requested)) && staged && staged->items) {
        bool active = false, incomplete = false;
        for (size_t i = 0; i < staged->item_counts.size(); ++i) {
            if (staged->item_counts[i] == 0) continue;
            active = active || is_active(static_cast<Status>(i));
            incomplete = incomplete || !is_completed(static_cast<Status>(i));
        }
        name += active ? "_task_active" : "_task_dormant";
        name += incomplete ? "_items_incomplete" : "_items_completed";
    }
    if (auto to = next_task_status(entry.status, name)) state_.set_task_status(index, *to);
}

void Conductor::workflow_machine_task_event(const std::string& task_id, int route, Status task_status) {
    std::string name = "task_" + std::string(to_string(task_status));
    bool next = has_next_tasks(task_id, route);
    bool active = has_active_tasks();
    if (is_abended(task_status) && next) name = "task_remediated";
    static const char* const kConditional[] = {"task_pending",    "task_paused",   "task_succeeded", "task_failed",
                                               "task_remediated", "task_canceled", "task_retrying"};
    if (std::find(std::begin(kConditional), std::end(kConditional), name) != std::end(kConditional)) {
        name += active ? "_workflow_active" : "_workflow_dormant";
    }
    if (name.rfind("task_succeeded", 0) == 0 || name.rfind("task_remediated", 0) == 0) {
        if (state_.count_latest(Status::canceling) > 0 || state_.count_latest(Status::canceled) > 0) {
            name += "_canceled";
        } else if (state_.count_latest(Status::pausing) > 0 || state_.count_latest(Status::paused) > 0 ||
                   state_.count_latest(Status::pending) > 0) {
            name += "_paused";
        } else if (has_staged_tasks() || next) {
            name += "_incomplete";
        } else {
            name += "_completed";
        }
    }
    auto to = next_workflow_status(state_.status(), name);
    if (!to) return;  // as Orquesta: no move, no check
    state_.set_status(*to);
    // Completed with a join still waiting for a branch that cannot come.
    if (is_completed(*to)) fail_unreachable_barriers();
}

void Conductor::fail_unreachable_barriers() {
    std::vector<std::pair<std::string, int>> unreachable;
    for (const auto& s : state_.staged()) {
        const Node& node = graph_->at(s.id);
        if (node.barrier == 0 || s.ready) continue;
        if (inbound_criteria(*graph_->find(s.id), s.route) == Inbound::not_satisfied)
            unreachable.emplace_back(s.id, s.route);
    }
    if (unreachable.empty()) return;
    state_.set_status(Status::failed);
    for (const auto& [id, route] : unreachable) {
        log_error("UnreachableJoinError: The join task|route \"" + id + "|" + std::to_string(route) +
                      "\" is partially satisfied but unreachable.",
                  id, route);
    }
}

void Conductor::workflow_machine_workflow_event(Status requested) {
    std::string name = "workflow_" + std::string(to_string(requested));
    bool active = has_active_tasks();
    if (is_pause(requested) || is_cancel(requested)) name += active ? "_workflow_active" : "_workflow_dormant";
    if (state_.status() == Status::paused && (requested == Status::running || requested == Status::resuming) &&
        !active && !has_staged_tasks() && state_.count_latest(Status::paused) == 0 &&
        state_.count_latest(Status::pending) == 0) {
        name += "_workflow_completed";
    }
    if (auto to = next_workflow_status(state_.status(), name)) state_.set_status(*to);
}

}  // namespace packhost::workflows::orquesta

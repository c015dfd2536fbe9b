#include "workflows/orquesta/state.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>

#include "core/json_text.hpp"

namespace packhost::workflows::orquesta {
namespace {

// Recorded parts, by key: the head (status, routes, staged tasks, output);
// one per context (written once); one per task state; one per error.
constexpr int64_t kHead = -1;
constexpr int64_t kErrors = int64_t{1} << 32;
constexpr const char* kFormat = "orquesta-conductor-1";

int64_t context_key(int64_t id) { return -2 - id; }

std::string key_of(const std::string& id, int route) { return id + "__r" + std::to_string(route); }

std::string text(const Json& j) { return core::to_json_text(j); }

Json backrefs_json(const Backrefs& b) {
    Json out = Json::object();
    for (const auto& [k, v] : b) out[k] = v;
    return out;
}

Backrefs backrefs_from(const Json& j) {
    Backrefs out;
    if (!j.is_object()) return out;
    for (const auto& [k, v] : j.items()) out.emplace_back(k, v.get<size_t>());
    return out;
}

Json retry_json(const RetryState& r) {
    Json out{
        {"when", r.when ? Json(*r.when) : Json(nullptr)}, {"count", r.count}, {"delay", r.delay}, {"tally", r.tally}};
    return out;
}

RetryState retry_from(const Json& j) {
    RetryState r;
    if (j.contains("when") && j["when"].is_string()) r.when = j["when"].get<std::string>();
    r.count = j.value("count", int64_t{0});
    r.delay = j.value("delay", 0.0);
    r.tally = j.value("tally", int64_t{0});
    return r;
}

Status status_from(const Json& j) {
    auto s = parse_status(j.is_string() ? j.get<std::string>() : std::string("null"));
    if (!s) throw std::runtime_error("unknown status " + j.dump());
    return *s;
}

// A task state's part, written at every transition: printed directly
// (building a Json first costs more than the rest of the transition).
std::string task_text(const TaskState& t) {
    std::string out;
    out.reserve(160);
    out += "{\"id\":";
    core::append_json_string(out, t.id);
    out += ",\"route\":" + std::to_string(t.route) + ",\"ctx\":" + std::to_string(t.ctx) + ",\"prev\":{";
    for (size_t i = 0; i < t.prev.size(); ++i) {
        if (i) out += ',';
        core::append_json_string(out, t.prev[i].first);
        out += ':' + std::to_string(t.prev[i].second);
    }
    out += "},\"next\":{";
    for (size_t i = 0; i < t.next.size(); ++i) {
        if (i) out += ',';
        core::append_json_string(out, t.next[i].first);
        out += t.next[i].second ? ":true" : ":false";
    }
    out += "},\"status\":";
    core::append_json_string(out, to_string(t.status));
    if (t.term) out += ",\"term\":true";
    if (t.retry) out += ",\"retry\":" + text(retry_json(*t.retry));
    if (!t.child.empty()) {
        out += ",\"child\":";
        core::append_json_string(out, t.child);
    }
    out += '}';
    return out;
}

Json task_json(const TaskState& t) {
    Json next = Json::object();
    for (const auto& [k, v] : t.next) next[k] = v;
    Json out{{"id", t.id},
             {"route", t.route},
             {"ctx", t.ctx},
             {"prev", backrefs_json(t.prev)},
             {"next", std::move(next)},
             {"status", to_string(t.status)}};
    if (t.term) out["term"] = true;
    if (t.retry) out["retry"] = retry_json(*t.retry);
    if (!t.child.empty()) out["child"] = t.child;
    return out;
}

TaskState task_from(const Json& j) {
    TaskState t;
    t.id = j.at("id").get<std::string>();
    t.route = j.at("route").get<int>();
    t.ctx = j.at("ctx").get<int64_t>();
    t.prev = backrefs_from(j.value("prev", Json::object()));
    Json next = j.value("next", Json::object());  // iterated: must outlive the loop
    for (const auto& [k, v] : next.items()) t.next.emplace_back(k, v.get<bool>());
    t.status = status_from(j.value("status", Json("null")));
    t.term = j.value("term", false);
    if (j.contains("retry")) t.retry = retry_from(j["retry"]);
    t.child = j.value("child", std::string());
    return t;
}

Json staged_json(const StagedTask& s, bool with_items) {
    Json out{{"uid", s.uid},    {"id", s.id}, {"route", s.route}, {"ctx", s.ctx}, {"prev", backrefs_json(s.prev)},
             {"ready", s.ready}};
    if (s.items) {
        if (with_items) {
            Json items = Json::array();
            for (Status i : *s.items) items.push_back(Json{{"status", to_string(i)}});
            out["items"] = std::move(items);
        } else {
            out["items"] = s.items->size();
        }
    }
    if (s.retry) out["retry"] = retry_json(*s.retry);
    if (s.run_on_fail) out["run_on_fail"] = true;
    if (s.completed) out["completed"] = true;
    return out;
}

Json context_json(const ContextNode& c) {
    Json out = Json::object();
    if (c.base >= 0) out["base"] = c.base;
    if (c.merge >= 0) out["merge"] = c.merge;
    if (!c.set.is_null()) out["set"] = c.set;
    return out;
}

}  // namespace

void WorkflowState::set_status(Status s) {
    if (s == status_) return;
    status_ = s;
    head_changed_ = true;
}

int64_t WorkflowState::add_context(ContextNode node) {
    contexts_.push_back(std::move(node));
    return static_cast<int64_t>(contexts_.size()) - 1;
}

int WorkflowState::add_route(std::vector<std::string> route) {
    routes_.push_back(std::move(route));
    head_changed_ = true;
    return static_cast<int>(routes_.size()) - 1;
}

void WorkflowState::count(size_t index, int delta) {
    auto& c = latest_counts_[static_cast<size_t>(sequence_[index].status)];
    c = static_cast<size_t>(static_cast<long>(c) + delta);
}

size_t WorkflowState::add_task(TaskState task) {
    sequence_.push_back(std::move(task));
    size_t index = sequence_.size() - 1;
    const auto& t = sequence_.back();
    auto it = latest_.find(std::pair<std::string_view, int>(t.id, t.route));
    if (it != latest_.end()) {
        count(it->second, -1);
        it->second = index;
    } else {
        latest_.emplace(std::pair<std::string, int>(t.id, t.route), index);
    }
    count(index, +1);
    tasks_changed_.insert(index);
    return index;
}

TaskState& WorkflowState::edit_task(size_t index) {
    tasks_changed_.insert(index);
    return sequence_.at(index);
}

void WorkflowState::set_task_status(size_t index, Status s) {
    auto& t = sequence_.at(index);
    if (t.status == s) return;
    bool latest = is_latest(index);
    if (latest) count(index, -1);
    t.status = s;
    if (latest) count(index, +1);
    tasks_changed_.insert(index);
}

std::optional<size_t> WorkflowState::latest(std::string_view id, int route) const {
    auto it = latest_.find(std::pair<std::string_view, int>(id, route));
    if (it == latest_.end()) return std::nullopt;
    return it->second;
}

bool WorkflowState::is_latest(size_t index) const {
    auto l = latest(sequence_.at(index).id, sequence_[index].route);
    return l && *l == index;
}

StagedTask& WorkflowState::add_staged(StagedTask task) {
    staged_.push_back(std::move(task));
    head_changed_ = true;
    return staged_.back();
}

const StagedTask* WorkflowState::find_staged(const std::string& id, int route) const {
    for (const auto& s : staged_) {
        if (s.id == id && s.route == route) return &s;
    }
    return nullptr;
}

StagedTask* WorkflowState::edit_staged(const std::string& id, int route) {
    for (auto& s : staged_) {
        if (s.id == id && s.route == route) {
            head_changed_ = true;
            return &s;
        }
    }
    return nullptr;
}

void WorkflowState::remove_staged(const std::string& id, int route) {
    for (auto it = staged_.begin(); it != staged_.end(); ++it) {
        if (it->id != id || it->route != route) continue;
        if (it->items) {
            for (Status i : *it->items) {
                if (is_active(i)) return;
            }
        }
        staged_.erase(it);
        head_changed_ = true;
        return;
    }
}

void WorkflowState::init_items(StagedTask& task, size_t count) {
    task.items.emplace(count);
    task.item_counts = {};
    task.item_counts[static_cast<size_t>(Status::unset)] = count;
    task.first_unset = 0;
    if (task.uid < 0) task.uid = next_uid_++;
    head_changed_ = true;
}

void WorkflowState::set_item(StagedTask& task, size_t item, Status status) {
    auto& slot = task.items->at(item);
    --task.item_counts[static_cast<size_t>(slot)];
    ++task.item_counts[static_cast<size_t>(status)];
    if (status == Status::unset) task.first_unset = std::min(task.first_unset, item);
    slot = status;
}

void WorkflowState::reset_items(StagedTask& task) {
    if (!task.items && !task.completed) return;
    task.items.reset();
    task.item_counts = {};
    task.first_unset = 0;
    task.completed = false;
    task.uid = -1;
    head_changed_ = true;
}

void WorkflowState::add_error(Json entry) {
    for (const auto& e : errors_) {
        if (e == entry) return;
    }
    errors_.push_back(std::move(entry));
}

void WorkflowState::set_output(Json output) {
    output_ = std::move(output);
    head_changed_ = true;
}

std::vector<actions::StatePart> WorkflowState::take_changes() {
    std::vector<actions::StatePart> parts;
    for (; contexts_taken_ < contexts_.size(); ++contexts_taken_) {
        parts.push_back(
            {context_key(static_cast<int64_t>(contexts_taken_)), text(context_json(contexts_[contexts_taken_]))});
    }
    for (size_t i : tasks_changed_) parts.push_back({static_cast<int64_t>(i), task_text(sequence_[i])});
    tasks_changed_.clear();
    for (; errors_taken_ < errors_.size(); ++errors_taken_) {
        parts.push_back({kErrors + static_cast<int64_t>(errors_taken_), text(errors_[errors_taken_])});
    }
    // Staged tasks come and go within one event: often nothing changed.
    if (head_changed_ && !head_as_written()) {
        Json staged = Json::array();
        for (const auto& s : staged_) staged.push_back(staged_json(s, false));
        Json head{{"format", kFormat},
                  {"status", to_string(status_)},
                  {"routes", routes_},
                  {"staged", std::move(staged)},
                  {"next_uid", next_uid_}};
        if (output_) head["output"] = *output_;
        parts.push_back({kHead, text(head)});
        remember_head();
    }
    head_changed_ = false;
    return parts;
}

bool WorkflowState::head_as_written() const {
    const auto& w = written_head_;
    if (!w.written || w.status != status_ || w.routes != routes_.size() || w.next_uid != next_uid_ ||
        w.output != output_.has_value() || w.staged.size() != staged_.size()) {
        return false;
    }
    for (size_t i = 0; i < staged_.size(); ++i) {
        const auto& a = w.staged[i];
        const auto& b = staged_[i];
        if (a.uid != b.uid || a.id != b.id || a.route != b.route || a.ctx != b.ctx || a.prev != b.prev ||
            a.ready != b.ready || a.items != (b.items ? b.items->size() : SIZE_MAX) || a.retry != b.retry ||
            a.run_on_fail != b.run_on_fail || a.completed != b.completed) {
            return false;
        }
    }
    return true;
}

void WorkflowState::remember_head() {
    auto& w = written_head_;
    w.written = true;
    w.status = status_;
    w.routes = routes_.size();
    w.next_uid = next_uid_;
    w.output = output_.has_value();
    w.staged.clear();
    for (const auto& s : staged_) {
        w.staged.push_back({s.uid, s.id, s.route, s.ctx, s.prev, s.ready, s.items ? s.items->size() : SIZE_MAX, s.retry,
                            s.run_on_fail, s.completed});
    }
}

bool WorkflowState::recorded(const std::vector<actions::StatePart>& parts) {
    for (const auto& p : parts) {
        if (p.seq != kHead) continue;
        auto head = Json::parse(p.state, nullptr, false);
        return head.is_object() && head.value("format", std::string()) == kFormat;
    }
    return false;
}

WorkflowState WorkflowState::restore(const std::vector<actions::StatePart>& parts) {
    WorkflowState s;
    std::map<int64_t, Json> contexts, tasks, errors;
    Json head;
    for (const auto& p : parts) {
        Json j = core::parse_json(p.state, "recorded workflow state");
        if (p.seq == kHead) {
            head = std::move(j);
        } else if (p.seq <= -2) {
            contexts[-2 - p.seq] = std::move(j);
        } else if (p.seq >= kErrors) {
            errors[p.seq - kErrors] = std::move(j);
        } else {
            tasks[p.seq] = std::move(j);
        }
    }
    if (!head.is_object() || head.value("format", std::string()) != kFormat) {
        throw std::runtime_error("the recorded state was written by another version of packhost");
    }
    auto dense = [](const std::map<int64_t, Json>& m, const char* what) {
        int64_t expect = 0;
        for (const auto& [k, v] : m) {
            if (k != expect++)
                throw std::runtime_error(std::string("recorded ") + what + " " + std::to_string(expect - 1) +
                                         " is missing");
        }
    };
    dense(contexts, "context");
    dense(tasks, "task state");
    dense(errors, "error");
    for (auto& [id, c] : contexts) {
        ContextNode n;
        n.base = c.value("base", int64_t{-1});
        n.merge = c.value("merge", int64_t{-1});
        if (c.contains("set")) n.set = std::move(c["set"]);
        s.contexts_.push_back(std::move(n));
    }
    for (auto& [i, t] : tasks) s.add_task(task_from(t));
    for (auto& [i, e] : errors) s.errors_.push_back(std::move(e));
    s.status_ = status_from(head.value("status", Json("null")));
    s.routes_ = head.value("routes", std::vector<std::vector<std::string>>{});
    s.next_uid_ = head.value("next_uid", int64_t{0});
    if (head.contains("output")) s.output_ = head["output"];
    for (const auto& j : head.value("staged", Json::array())) {
        StagedTask st;
        st.uid = j.at("uid").get<int64_t>();
        st.id = j.at("id").get<std::string>();
        st.route = j.at("route").get<int>();
        st.ctx = j.at("ctx").get<int64_t>();
        st.prev = backrefs_from(j.value("prev", Json::object()));
        st.ready = j.value("ready", false);
        if (j.contains("items")) {
            int64_t uid = st.uid;
            s.init_items(st, j["items"].get<size_t>());  // all not started: the runtime knows better
            st.uid = uid;
        }
        if (j.contains("retry")) st.retry = retry_from(j["retry"]);
        st.run_on_fail = j.value("run_on_fail", false);
        st.completed = j.value("completed", false);
        s.staged_.push_back(std::move(st));
    }
    for (const auto& c : s.contexts_) {
        if (c.base >= static_cast<int64_t>(s.contexts_.size()) || c.merge >= static_cast<int64_t>(s.contexts_.size())) {
            throw std::runtime_error("a recorded context refers to one that is missing");
        }
    }
    s.contexts_taken_ = s.contexts_.size();
    s.errors_taken_ = s.errors_.size();
    s.tasks_changed_.clear();
    s.head_changed_ = false;
    s.remember_head();
    return s;
}

Json WorkflowState::serialize() const {
    Json contexts = Json::array();
    for (const auto& c : contexts_) contexts.push_back(context_json(c));
    Json sequence = Json::array();
    for (const auto& t : sequence_) sequence.push_back(task_json(t));
    Json staged = Json::array();
    for (const auto& st : staged_) staged.push_back(staged_json(st, true));
    Json tasks = Json::object();
    std::vector<std::pair<size_t, std::string>> by_index;
    for (const auto& [k, v] : latest_) by_index.emplace_back(v, key_of(k.first, k.second));
    std::sort(by_index.begin(), by_index.end());
    for (const auto& [v, k] : by_index) tasks[k] = v;
    Json out{{"contexts", std::move(contexts)},
             {"routes", routes_},
             {"sequence", std::move(sequence)},
             {"staged", std::move(staged)},
             {"status", to_string(status_)},
             {"tasks", std::move(tasks)},
             {"errors", errors_}};
    if (output_) out["output"] = *output_;
    return out;
}

}  // namespace packhost::workflows::orquesta

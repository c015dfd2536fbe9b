#include "workflows/orquesta/spec.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include <yaml-cpp/yaml.h>

#include "workflows/expressions.hpp"
#include "workflows/inline_input.hpp"
#include "workflows/orquesta/graph.hpp"

namespace packhost::workflows::orquesta {
namespace {

const char* const kCommands[] = {"continue", "fail", "noop", "retry"};

bool is_int(const Json& j) { return j.is_number_integer() || j.is_number_unsigned(); }
bool is_template_text(const Json& j) { return j.is_string() && has_expression(j.get_ref<const std::string&>()); }

// `[{a: 1}, {b: 2}]` or `{a: 1, b: 2}` as ordered pairs.
std::vector<std::pair<std::string, Json>> pairs(const YAML::Node& node, const std::string& where, Problems& problems) {
    std::vector<std::pair<std::string, Json>> out;
    if (!node || node.IsNull()) return out;
    if (node.IsMap()) {
        for (const auto& kv : node) out.emplace_back(kv.first.Scalar(), to_json(kv.second));
        return out;
    }
    if (!node.IsSequence()) {
        problems.add(line_of(node), where + " must be a list of {name: value}");
        return out;
    }
    for (const auto& item : node) {
        if (item.IsMap() && item.size() == 1) {
            auto kv = *item.begin();
            out.emplace_back(kv.first.Scalar(), to_json(kv.second));
        } else {
            problems.add(line_of(item), where + ": each entry must be a single {name: value}");
        }
    }
    return out;
}

class Parser {
public:
    Parser(Problems& problems, expr::TemplateCache& cache) : problems_(problems), cache_(cache) {}

    std::shared_ptr<Workflow> run(const std::filesystem::path& file) {
        auto wf = std::make_shared<Workflow>();
        wf->file = file.string();
        auto loaded = load_definition(file, problems_);
        if (!loaded) return wf;
        YAML::Node doc = *loaded;
        if (!doc.IsMap()) {
            problems_.add(line_of(doc), "a workflow must be a mapping with version and tasks");
            return wf;
        }
        for (const auto& kv : doc) {
            static const std::set<std::string> known = {"version", "description", "input", "vars", "output", "tasks"};
            if (!known.count(kv.first.Scalar())) {
                problems_.add(line_of(kv.first), "unknown field '" + kv.first.Scalar() +
                                                     "' (version, description, input, vars, output, tasks)");
            }
        }
        auto version = doc["version"];
        if (!version) {
            problems_.add(line_of(doc), "field 'version' is missing (version: 1.0)");
        } else if (version.Scalar() != "1.0" && version.Scalar() != "1") {
            problems_.add(line_of(version), "version '" + version.Scalar() + "' is not supported (version: 1.0)");
        }
        if (auto d = doc["description"]; d && d.IsScalar()) wf->description = d.Scalar();
        parse_input(doc["input"], *wf);
        wf->vars = pairs(doc["vars"], "vars", problems_);
        check_expressions(doc["vars"], "vars", problems_, cache_);
        wf->output = pairs(doc["output"], "output", problems_);
        check_expressions(doc["output"], "output", problems_, cache_);
        auto tasks = doc["tasks"];
        if (!tasks || !tasks.IsMap() || tasks.size() == 0) {
            problems_.add(tasks ? line_of(tasks) : line_of(doc),
                          "field 'tasks' must be a mapping of task names to tasks");
            return wf;
        }
        for (const auto& kv : tasks) {
            Task t;
            t.name = kv.first.Scalar();
            t.line = line_of(kv.first);
            if (wf->by_name.count(t.name)) problems_.add(t.line, "task '" + t.name + "' is defined twice");
            parse_task(kv.second, t);
            wf->by_name[t.name] = wf->tasks.size();
            wf->tasks.push_back(std::move(t));
        }
        link(*wf);
        return wf;
    }

private:
    void parse_input(const YAML::Node& node, Workflow& wf) {
        if (!node || node.IsNull()) return;
        if (!node.IsSequence()) {
            problems_.add(line_of(node), "input must be a list of names or {name: default}");
            return;
        }
        for (const auto& item : node) {
            if (item.IsScalar()) {
                wf.input.emplace_back(item.Scalar(), std::nullopt);
            } else if (item.IsMap() && item.size() == 1) {
                auto kv = *item.begin();
                wf.input.emplace_back(kv.first.Scalar(), to_json(kv.second));
                check_expressions(kv.second, "input." + kv.first.Scalar(), problems_, cache_);
            } else {
                problems_.add(line_of(item), "input: each entry must be a name or a single {name: default}");
            }
        }
    }

    void parse_task(const YAML::Node& node, Task& t) {
        std::string where = "task '" + t.name + "'";
        if (!node.IsMap()) {
            problems_.add(t.line, where + " must be a mapping");
            return;
        }
        for (const auto& kv : node) {
            static const std::set<std::string> known = {"action", "input", "next", "join", "with", "retry", "delay"};
            if (!known.count(kv.first.Scalar())) {
                problems_.add(line_of(kv.first), where + ": unknown field '" + kv.first.Scalar() +
                                                     "' (action, input, next, join, with, retry, delay)");
            }
        }
        check_expressions(node, where, problems_, cache_);
        if (auto a = node["action"]) {
            t.action_line = line_of(a);
            if (!a.IsScalar()) {
                problems_.add(t.action_line, where + ": action must be an action ref");
            } else {
                try {
                    auto inl = parse_inline_action(a.Scalar());
                    t.action = inl.ref;
                    t.input = std::move(inl.input);
                } catch (const std::invalid_argument& e) {
                    problems_.add(t.action_line, where + ": action: " + e.what());
                }
            }
        }
        if (auto in = node["input"]; in && !in.IsNull()) {
            if (!in.IsMap()) {
                problems_.add(line_of(in), where + ": input must be a mapping of parameter names to values");
            } else {
                for (const auto& kv : in) t.input[kv.first.Scalar()] = to_json(kv.second);
            }
        }
        if (auto j = node["join"]) {
            Json v = to_json(j);
            if (v == "all") {
                t.join = -1;
            } else if (is_int(v) && v.get<int64_t>() > 0) {
                t.join = static_cast<int>(v.get<int64_t>());
            } else {
                problems_.add(line_of(j), where + ": join must be 'all' or a positive number");
            }
        }
        if (auto w = node["with"]) parse_with(w, t, where);
        if (auto r = node["retry"]) parse_retry(r, t, where);
        if (auto d = node["delay"]) {
            t.delay = to_json(d);
            if (!t.delay.is_number() && !is_template_text(t.delay)) {
                problems_.add(line_of(d), where + ": delay must be a number of seconds");
            }
        }
        if (auto n = node["next"]; n && !n.IsNull()) {
            if (!n.IsSequence()) {
                problems_.add(line_of(n), where + ": next must be a list of transitions");
            } else {
                for (const auto& tr : n) t.next.push_back(parse_transition(tr, where));
            }
        }
    }

    void parse_with(const YAML::Node& w, Task& t, const std::string& where) {
        std::string items;
        if (w.IsScalar()) {
            items = w.Scalar();
        } else if (w.IsMap()) {
            for (const auto& kv : w) {
                if (kv.first.Scalar() != "items" && kv.first.Scalar() != "concurrency") {
                    problems_.add(line_of(kv.first),
                                  where + ": with: unknown field '" + kv.first.Scalar() + "' (items, concurrency)");
                }
            }
            if (auto i = w["items"]; i && i.IsScalar()) items = i.Scalar();
            if (auto c = w["concurrency"]) {
                t.concurrency = to_json(c);
                if (!(is_int(t.concurrency) && t.concurrency.get<int64_t>() > 0) && !is_template_text(t.concurrency)) {
                    problems_.add(line_of(c), where + ": with.concurrency must be a positive number");
                }
            }
        }
        if (items.empty()) {
            problems_.add(line_of(w), where + ": with must give items (an expression yielding a list)");
            return;
        }
        // `host in {{ ctx().hosts }}` / `a, b in <% zip(...) %>`
        size_t brace = std::min(items.find("{{"), items.find("<%"));
        size_t in = brace == std::string::npos ? std::string::npos : items.rfind(" in ", brace);
        if (in != std::string::npos &&
            items.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_, \t") >= in) {
            t.item_names = split_names(items.substr(0, in));
            if (t.item_names.empty()) problems_.add(line_of(w), where + ": with: no item name before 'in'");
            items = items.substr(in + 4);
        }
        if (!has_expression(items)) {
            problems_.add(line_of(w),
                          where + ": with items must be an expression (<% ... %> or {{ ... }}), got \"" + items + "\"");
            return;
        }
        t.items = items;
    }

    void parse_retry(const YAML::Node& r, Task& t, const std::string& where) {
        if (!r.IsMap()) {
            problems_.add(line_of(r), where + ": retry must be a mapping (when, count, delay)");
            return;
        }
        Retry retry;
        for (const auto& kv : r) {
            const auto& k = kv.first.Scalar();
            if (k == "when") {
                retry.when = kv.second.Scalar();
            } else if (k == "count") {
                retry.count = to_json(kv.second);
            } else if (k == "delay") {
                retry.delay = to_json(kv.second);
            } else {
                problems_.add(line_of(kv.first), where + ": retry: unknown field '" + k + "' (when, count, delay)");
            }
        }
        if (retry.count.is_null()) {
            problems_.add(line_of(r), where + ": retry.count is required");
        } else if (!(is_int(retry.count) && retry.count.get<int64_t>() >= 0) && !is_template_text(retry.count)) {
            problems_.add(line_of(r["count"]), where + ": retry.count must be a number, got " + retry.count.dump());
        }
        if (!retry.delay.is_number() && !is_template_text(retry.delay)) {
            problems_.add(line_of(r["delay"]), where + ": retry.delay must be a number of seconds");
        }
        t.retry = std::move(retry);
    }

    Transition parse_transition(const YAML::Node& node, const std::string& where) {
        Transition tr;
        tr.line = line_of(node);
        if (!node.IsMap()) {
            problems_.add(tr.line, where + ": each transition must be a mapping (when, publish, do)");
            return tr;
        }
        for (const auto& kv : node) {
            const auto& k = kv.first.Scalar();
            if (k == "when") {
                if (!kv.second.IsScalar())
                    problems_.add(line_of(kv.second), where + ": when must be an expression");
                else
                    tr.when = kv.second.Scalar();
            } else if (k == "publish") {
                if (kv.second.IsScalar()) {
                    try {
                        auto inl = parse_inline_action("publish " + kv.second.Scalar());
                        for (auto& [name, v] : inl.input.items()) tr.publish.emplace_back(name, v);
                    } catch (const std::invalid_argument& e) {
                        problems_.add(line_of(kv.second), where + ": publish: " + e.what());
                    }
                } else {
                    tr.publish = pairs(kv.second, where + ": publish", problems_);
                }
            } else if (k == "do") {
                if (kv.second.IsScalar()) {
                    tr.next = split_names(kv.second.Scalar());
                } else if (kv.second.IsSequence()) {
                    for (const auto& n : kv.second) tr.next.push_back(n.Scalar());
                } else {
                    problems_.add(line_of(kv.second), where + ": do must be a task name or a list of them");
                }
            } else {
                problems_.add(line_of(kv.first), where + ": unknown transition field '" + k + "' (when, publish, do)");
            }
        }
        return tr;
    }

    void link(Workflow& wf) {
        size_t n = wf.tasks.size();
        wf.inbound.assign(n, 0);
        std::vector<std::vector<size_t>> edges(n);
        for (size_t i = 0; i < n; ++i) {
            std::set<size_t> targets;
            for (const auto& tr : wf.tasks[i].next) {
                for (const auto& name : tr.next) {
                    auto it = wf.by_name.find(name);
                    if (it != wf.by_name.end()) {
                        targets.insert(it->second);
                        edges[i].push_back(it->second);
                    } else if (!is_command(name)) {
                        problems_.add(tr.line,
                                      "task '" + wf.tasks[i].name + "': do names '" + name +
                                          "', which is neither a task nor a command (continue, fail, noop, retry)");
                    }
                }
            }
            for (size_t t : targets) ++wf.inbound[t];
        }
        for (size_t i = 0; i < n; ++i) {
            if (wf.inbound[i] == 0) wf.start.push_back(i);
            const auto& t = wf.tasks[i];
            if (t.join > 0 && static_cast<size_t>(t.join) > wf.inbound[i]) {
                problems_.add(t.line, "task '" + t.name + "': join " + std::to_string(t.join) +
                                          " waits for more tasks than the " + std::to_string(wf.inbound[i]) +
                                          " that lead to it");
            }
        }
        if (wf.start.empty()) {
            problems_.add(wf.tasks.front().line, "no task to start with: every task is the target of a transition");
        }
        std::vector<bool> seen(n, false);
        std::vector<size_t> todo(wf.start.begin(), wf.start.end());
        while (!todo.empty()) {
            size_t i = todo.back();
            todo.pop_back();
            if (seen[i]) continue;
            seen[i] = true;
            for (size_t j : edges[i]) todo.push_back(j);
        }
        for (size_t i = 0; i < n; ++i) {
            if (!seen[i] && !wf.start.empty()) {
                problems_.add(wf.tasks[i].line, "task '" + wf.tasks[i].name + "' is unreachable from the start tasks");
            }
        }
        check_cycles(wf, edges);
    }

    // A loop is fine while something can end it: a transition with a
    // condition, or one leaving the loop. One without either runs forever.
    void check_cycles(const Workflow& wf, const std::vector<std::vector<size_t>>& edges) {
        size_t n = wf.tasks.size();
        std::vector<int> index(n, -1), low(n, 0), comp(n, -1);
        std::vector<bool> on(n, false);
        std::vector<size_t> stack;
        int counter = 0, comps = 0;
        std::function<void(size_t)> visit = [&](size_t v) {
            index[v] = low[v] = counter++;
            stack.push_back(v);
            on[v] = true;
            for (size_t w : edges[v]) {
                if (index[w] < 0) {
                    visit(w);
                    low[v] = std::min(low[v], low[w]);
                } else if (on[w]) {
                    low[v] = std::min(low[v], index[w]);
                }
            }
            if (low[v] == index[v]) {
                while (true) {
                    size_t w = stack.back();
                    stack.pop_back();
                    on[w] = false;
                    comp[w] = comps;
                    if (w == v) break;
                }
                ++comps;
            }
        };
        for (size_t v = 0; v < n; ++v) {
            if (index[v] < 0) visit(v);
        }
        for (int c = 0; c < comps; ++c) {
            std::vector<size_t> members;
            for (size_t v = 0; v < n; ++v) {
                if (comp[v] == c) members.push_back(v);
            }
            bool loop = members.size() > 1 || std::find(edges[members[0]].begin(), edges[members[0]].end(),
                                                        members[0]) != edges[members[0]].end();
            if (!loop) continue;
            bool way_out = false;
            for (size_t v : members) {
                const auto& t = wf.tasks[v];
                if (t.retry) way_out = true;
                for (const auto& tr : t.next) {
                    if (tr.when) way_out = true;
                    for (const auto& name : tr.next) {
                        auto it = wf.by_name.find(name);
                        if (it == wf.by_name.end() ? name == "fail" : comp[it->second] != c) way_out = true;
                    }
                }
            }
            if (way_out) continue;
            std::string path;
            for (size_t v : members) path += wf.tasks[v].name + " -> ";
            path += wf.tasks[members[0]].name;
            problems_.add(wf.tasks[members[0]].line,
                          "tasks " + path + " loop forever: no transition in the loop has a 'when' or leads out of it");
        }
    }

    Problems& problems_;
    expr::TemplateCache& cache_;
};

}  // namespace

bool is_command(std::string_view name) {
    return std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
}

std::shared_ptr<const Workflow> parse(const std::filesystem::path& file, Problems& problems,
                                      expr::TemplateCache& cache) {
    auto wf = Parser(problems, cache).run(file);
    if (problems.empty()) wf->graph = Graph::compose(*wf);
    return wf;
}

}  // namespace packhost::workflows::orquesta

#include "workflows/action_chain/spec.hpp"

#include <set>

#include <yaml-cpp/yaml.h>

#include "workflows/expressions.hpp"

namespace packhost::workflows::action_chain {
namespace {

bool plain_name(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

}  // namespace

std::shared_ptr<const Chain> parse(const std::filesystem::path& file, Problems& problems, expr::TemplateCache& cache) {
    auto chain = std::make_shared<Chain>();
    chain->file = file.string();
    auto loaded = load_definition(file, problems);
    if (!loaded) return chain;
    YAML::Node doc = *loaded;
    if (!doc.IsMap()) {
        problems.add(line_of(doc), "an action chain must be a mapping with a chain list");
        return chain;
    }
    for (const auto& kv : doc) {
        static const std::set<std::string> known = {"chain", "default", "vars"};
        if (!known.count(kv.first.Scalar())) {
            problems.add(line_of(kv.first), "unknown field '" + kv.first.Scalar() + "' (chain, default, vars)");
        }
    }
    if (auto v = doc["vars"]; v && !v.IsNull()) {
        if (!v.IsMap()) {
            problems.add(line_of(v), "vars must be a mapping of names to values");
        } else {
            for (const auto& kv : v) chain->vars.emplace_back(kv.first.Scalar(), to_json(kv.second));
            check_expressions(v, "vars", problems, cache);
        }
    }
    auto list = doc["chain"];
    if (!list || !list.IsSequence() || list.size() == 0) {
        problems.add(list ? line_of(list) : line_of(doc), "field 'chain' must be a list of tasks");
        return chain;
    }
    for (const auto& node : list) {
        Task t;
        t.line = line_of(node);
        if (!node.IsMap()) {
            problems.add(t.line, "each chain entry must be a mapping (name, ref, parameters, ...)");
            continue;
        }
        for (const auto& kv : node) {
            static const std::set<std::string> known = {"name",       "ref",        "parameters", "params",
                                                        "on-success", "on-failure", "publish",    "notify"};
            if (!known.count(kv.first.Scalar())) {
                problems.add(line_of(kv.first), "unknown task field '" + kv.first.Scalar() +
                                                    "' (name, ref, parameters, on-success, on-failure, publish)");
            }
        }
        t.name = node["name"] ? node["name"].Scalar() : "";
        std::string where = "task '" + t.name + "'";
        if (t.name.empty()) {
            problems.add(t.line, "a task has no name");
        } else if (!plain_name(t.name)) {
            problems.add(t.line, where + ": a name may hold only letters, digits and '_' (it is a variable in {{ }})");
        } else if (chain->by_name.count(t.name)) {
            problems.add(t.line, where + " is defined twice");
        }
        if (!node["ref"] || !node["ref"].IsScalar()) {
            problems.add(t.line, where + ": ref (the action to run) is missing");
        } else {
            t.ref = node["ref"].Scalar();
        }
        for (const char* key : {"parameters", "params"}) {
            auto p = node[key];
            if (!p || p.IsNull()) continue;
            if (!p.IsMap()) {
                problems.add(line_of(p), where + ": " + key + " must be a mapping");
                continue;
            }
            for (const auto& kv : p) t.parameters[kv.first.Scalar()] = to_json(kv.second);
        }
        if (auto p = node["publish"]; p && !p.IsNull()) {
            if (!p.IsMap()) {
                problems.add(line_of(p), where + ": publish must be a mapping of names to values");
            } else {
                for (const auto& kv : p) t.publish.emplace_back(kv.first.Scalar(), to_json(kv.second));
            }
        }
        if (auto s = node["on-success"]) t.on_success = s.Scalar();
        if (auto f = node["on-failure"]) t.on_failure = f.Scalar();
        check_expressions(node, where, problems, cache);
        if (!t.name.empty() && !chain->by_name.count(t.name)) chain->by_name[t.name] = chain->tasks.size();
        chain->tasks.push_back(std::move(t));
    }
    for (const auto& t : chain->tasks) {
        for (const auto* next : {&t.on_success, &t.on_failure}) {
            if (!next->empty() && !chain->by_name.count(*next)) {
                problems.add(t.line, "task '" + t.name + "': " + (next == &t.on_success ? "on-success" : "on-failure") +
                                         " names '" + *next + "', which is not a task of the chain");
            }
        }
    }
    if (auto d = doc["default"]) {
        auto it = chain->by_name.find(d.Scalar());
        if (it == chain->by_name.end()) {
            problems.add(line_of(d), "default names '" + d.Scalar() + "', which is not a task of the chain");
        } else {
            chain->start = it->second;
        }
    }
    if (chain->tasks.empty()) return chain;
    std::vector<bool> seen(chain->tasks.size(), false);
    std::vector<size_t> todo{chain->start};
    while (!todo.empty()) {
        size_t i = todo.back();
        todo.pop_back();
        if (i >= seen.size() || seen[i]) continue;
        seen[i] = true;
        for (const auto* next : {&chain->tasks[i].on_success, &chain->tasks[i].on_failure}) {
            auto it = chain->by_name.find(*next);
            if (it != chain->by_name.end()) todo.push_back(it->second);
        }
    }
    for (size_t i = 0; i < seen.size(); ++i) {
        if (!seen[i]) {
            problems.add(chain->tasks[i].line, "task '" + chain->tasks[i].name + "' is unreachable from '" +
                                                   chain->tasks[chain->start].name + "'");
        }
    }
    return chain;
}

}  // namespace packhost::workflows::action_chain

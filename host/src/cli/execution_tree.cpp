#include "cli/execution_tree.hpp"

#include <algorithm>

#include "cli/table.hpp"
#include "core/clock.hpp"

namespace packhost::cli {
namespace {

// Deep enough for any real nesting; a bound all the same, against a loop of
// parent links in a damaged store.
constexpr int kMaxDepth = 32;
// A workflow that looped may have thousands of tasks; a person is shown
// the latest of them (`execution list --parent ID` lists them all).
constexpr size_t kMaxChildrenShown = 200;

std::string task_of(const Json& context) {
    if (auto o = context.find("orquesta"); o != context.end() && o->is_object()) {
        std::string t = o->value("task_name", std::string());
        if (o->contains("item")) ((t += '[') += std::to_string(o->value("item", 0))) += ']';
        return t;
    }
    if (auto a = context.find("action_chain"); a != context.end() && a->is_object()) {
        return a->value("task", std::string());
    }
    return "";
}

Json subtree(store::Store& store, const actions::RunnerRegistry& runners, const std::string& id, int depth) {
    Json out = Json::array();
    if (depth >= kMaxDepth) return out;
    auto kids = store.executions({std::nullopt, std::nullopt, id, kMaxChildrenShown + 1});  // newest first
    if (kids.size() > kMaxChildrenShown) {
        kids.pop_back();
        out.push_back({{"id", nullptr},
                       {"task", "..."},
                       {"action", "earlier tasks not shown"},
                       {"status", ""},
                       {"elapsed_seconds", 0.0},
                       {"omitted", true}});
    }
    std::reverse(kids.begin(), kids.end());
    for (const auto& k : kids) {
        int64_t end = k.end_us ? k.end_us : core::now_us();
        Json node{{"id", k.id},
                  {"task", task_of(k.context)},
                  {"action", k.action},
                  {"status", core::to_string(k.status)},
                  {"elapsed_seconds", double(end - k.start_us) / 1e6}};
        if (runners.capabilities(k.runner_type).workflow) {
            auto grand = subtree(store, runners, k.id, depth + 1);
            if (!grand.empty()) node["children"] = std::move(grand);
        }
        out.push_back(std::move(node));
    }
    return out;
}

void add_rows(Table& t, const Json& nodes, const std::string& indent) {
    for (size_t i = 0; i < nodes.size(); ++i) {
        const auto& n = nodes[i];
        bool last = i + 1 == nodes.size();
        std::string branch = indent + (last ? "└─ " : "├─ ");
        if (n.value("omitted", false)) {
            t.add({branch + "...", n["action"].get<std::string>(), "", "", ""});
            continue;
        }
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.3fs", n["elapsed_seconds"].get<double>());
        t.add({branch + n["task"].get<std::string>(), n["action"].get<std::string>(), n["status"].get<std::string>(),
               elapsed, n["id"].get<std::string>()});
        if (n.contains("children")) add_rows(t, n["children"], indent + (last ? "   " : "│  "));
    }
}

}  // namespace

Json execution_tree(store::Store& store, const actions::RunnerRegistry& runners, const std::string& id) {
    store.flush();
    return subtree(store, runners, id, 0);
}

void print_execution_tree(std::ostream& out, const Json& tree) {
    if (tree.empty()) return;
    Table t({"TASK", "ACTION", "STATUS", "ELAPSED", "ID"});
    add_rows(t, tree, "");
    out << "tasks:\n";
    t.print(out);
}

}  // namespace packhost::cli

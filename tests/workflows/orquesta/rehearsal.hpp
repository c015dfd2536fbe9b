// Orquesta's rehearsal for the conductor alone: every task handed out is
// marked running, then completes with a mocked status and result (succeeded
// and null unless mocked); between rounds the conductor is rebuilt from the
// parts it recorded, as another process would. No actions, threads, clock
// or store. Definitions are written in Jinja; with g_yaql set they are read
// in YAQL (<% %>), as Orquesta's own fixtures are written.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "workflows/expressions.hpp"
#include "workflows/orquesta/conductor.hpp"
#include "workflows/orquesta/spec.hpp"

namespace packhost::workflows::orquesta::rehearsal {

using json = packhost::Json;

// Which language the definitions are read in (the tests' parameter).
inline bool g_yaql = false;

// A definition in YAQL: each {{ expr }} written as <% expr %>, with YAQL's
// spelling of the two Jinja filters the definitions use and of equality.
inline std::string in_yaql(std::string text) {
    auto replace = [&text](const std::string& from, const std::string& to) {
        for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    };
    replace(" | upper", ".toUpper()");
    replace(" | length", ".len()");
    replace(" == ", " = ");
    replace("{{", "<%");
    replace("}}", "%>");
    return text;
}

inline std::shared_ptr<const Workflow> load(const std::string& name) {
    std::string file = std::string(WORKFLOW_DEFINITIONS_DIR) + "/orquesta/" + name + ".yaml";
    if (g_yaql) {
        std::ifstream in(file);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        file = (std::filesystem::temp_directory_path() /
                ("packhost-yaql-" + std::to_string(::getpid()) + "-" + name + ".yaml"))
                   .string();
        std::ofstream(file) << in_yaql(text);
    }
    packhost::workflows::Problems problems(file);
    auto wf = parse(file, problems, packhost::workflows::template_cache());
    if (!problems.empty()) throw std::runtime_error(problems.text());
    return wf;
}

struct Mock {
    std::string task;
    Status status = Status::succeeded;
    json result = nullptr;
    int route = -1;  // the task's run on this route only; any route when -1
    int item = -1;   // with items: this item only
};

struct Rehearsal {
    std::shared_ptr<const Workflow> wf;
    std::unique_ptr<Conductor> conductor;
    std::map<int64_t, std::string> recorded;                   // every part, as a store keeps it
    std::map<std::pair<std::string, int>, json> item_results;  // with items: each task run's results so far

    explicit Rehearsal(const std::string& name, json inputs = json::object())
        : wf(load(name)),
          conductor(std::make_unique<Conductor>(wf->graph, packhost::workflows::template_cache(), inputs,
                                                json{{"st2", {{"workflow_execution_id", "wf-1"}}}})) {}

    void save() {
        for (auto& p : conductor->take_changes()) recorded[p.seq] = p.state;
    }
    // As another process would go on: from the recorded parts only.
    void reload() {
        save();
        std::vector<actions::StatePart> parts;
        for (const auto& [k, v] : recorded) parts.push_back({k, v});
        conductor = std::make_unique<Conductor>(wf->graph, packhost::workflows::template_cache(),
                                                WorkflowState::restore(parts));
    }

    // Orquesta's rehearsal: each mock applies once, to the first run of its
    // task (on its route, or item, when it names one). The items a task
    // hands out all start, then end in order, as one round.
    void conduct(std::vector<Mock> mocks = {}) {
        auto take = [&mocks](const TaskRequest& t, int item) {
            for (auto it = mocks.begin(); it != mocks.end(); ++it) {
                if (it->task == t.id && (it->route < 0 || it->route == t.route) && (it->item < 0 || it->item == item)) {
                    Mock m = *it;
                    mocks.erase(it);
                    return m;
                }
            }
            return Mock{t.id};
        };
        conductor->request_workflow_status(Status::running);
        auto queue = conductor->get_next_tasks();
        while (!queue.empty()) {
            reload();
            for (const auto& t : queue) {
                if (!t.items_count || *t.items_count == 0) {
                    conductor->update_task_state(t.id, t.route, Event::action(Status::running));
                    Mock m = take(t, -1);
                    conductor->update_task_state(t.id, t.route, Event::action(m.status, m.result));
                    continue;
                }
                json& so_far = item_results[{t.id, t.route}];
                if (so_far.is_null()) so_far = json(std::vector<json>(*t.items_count, nullptr));
                for (const auto& a : t.actions)
                    conductor->update_task_state(t.id, t.route, Event::item_event(*a.item, Status::running));
                for (const auto& a : t.actions) {
                    Mock m = take(t, static_cast<int>(*a.item));
                    so_far[*a.item] = m.result;
                    conductor->update_task_state(t.id, t.route,
                                                 Event::item_event(*a.item, m.status, m.result, &so_far));
                }
            }
            queue = conductor->get_next_tasks();
        }
        if (is_completed(conductor->workflow_status())) conductor->render_workflow_output();
        save();
    }

    // "task" or "task__rN" for each task state, in order.
    std::vector<std::string> sequence() const {
        std::vector<std::string> out;
        for (const auto& t : conductor->state().sequence()) {
            out.push_back(t.route == 0 ? t.id : t.id + "__r" + std::to_string(t.route));
        }
        return out;
    }
    json routes() const { return conductor->state().routes(); }
    Status status() const { return conductor->workflow_status(); }
    json output() const { return conductor->output() ? *conductor->output() : json(nullptr); }
};

using Seq = std::vector<std::string>;

inline json failed_error(const std::string& task) {
    return json{{"type", "error"}, {"message", "Execution failed. See result for details."}, {"task_id", task}};
}

// A suite whose every test runs twice: definitions in Jinja, then in YAQL.
class InBothLanguages : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override { g_yaql = GetParam(); }
    void TearDown() override { g_yaql = false; }
};

inline std::string language_name(const ::testing::TestParamInfo<bool>& p) { return p.param ? "Yaql" : "Jinja"; }

}  // namespace packhost::workflows::orquesta::rehearsal

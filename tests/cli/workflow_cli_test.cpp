// Workflows through the packhost command, as real processes: the two-
// language example end to end (Orquesta and ActionChain), the tree of
// executions, inspect, and a workflow whose process is killed being
// continued by `execution resume` and by `serve`.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

using packhost::testing::contains;
using packhost::testing::packhost_cmd;
using packhost::testing::run_process;
using packhost::testing::run_process_signal_when;
using packhost::testing::test_home;
using json = nlohmann::json;

namespace {

std::string definition(const std::string& name) { return std::string(WORKFLOW_DEFINITIONS_DIR) + "/" + name; }

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t occurrences(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
    return n;
}

// `packhost run` of `argv` killed once its workflow has started a child of
// `child_ref` for the `nth` time; returns the workflow's id.
std::string run_and_kill_midway(const std::vector<std::string>& run_args, const std::string& child_ref = "core.sleep",
                                size_t nth = 1) {
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path",
                                  std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR, "--log-level", "debug"};
    argv.insert(argv.end(), run_args.begin(), run_args.end());
    // A task's record is written in the next batch after it starts running.
    std::optional<std::chrono::steady_clock::time_point> running_since;
    auto killed = run_process_signal_when(
        argv, {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", test_home()}}, SIGKILL, [&](const auto& so_far) {
            if (!running_since && occurrences(so_far.err, "of " + child_ref + " running") >= nth) {
                running_since = std::chrono::steady_clock::now();
            }
            return running_since && std::chrono::steady_clock::now() - *running_since > std::chrono::milliseconds(500);
        });
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.out << killed.err;
    auto list = json::parse(packhost_cmd({"execution", "list", "--action", run_args[1], "--json"}).out);
    EXPECT_FALSE(list.empty());
    return list.empty() ? "" : list[0]["id"].get<std::string>();
}

}  // namespace

TEST(WorkflowCli, TwoLanguageExampleAsOrquesta) {
    auto r = packhost_cmd({"run", "projects.usage", "name=jtopjian", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["status"], "succeeded");
    EXPECT_EQ(doc["result"]["output"]["project_id"], "prj-0042");
    EXPECT_EQ(doc["result"]["output"]["report"], "Usage report for prj-0042: 3 instances, 6 vCPUs, 12 GB RAM");
    ASSERT_EQ(doc["tree"].size(), 2u);
    EXPECT_EQ(doc["tree"][0]["task"], "lookup");
    EXPECT_EQ(doc["tree"][0]["action"], "projects.lookup");
    EXPECT_EQ(doc["tree"][1]["action"], "projects.report");

    // The same tree from the store, in a later process.
    std::string id = doc["id"];
    auto get = packhost_cmd({"execution", "get", id});
    ASSERT_EQ(get.exit_code, 0) << get.err;
    EXPECT_TRUE(contains(get.out, "tasks:")) << get.out;
    EXPECT_TRUE(contains(get.out, "├─ lookup")) << get.out;
    EXPECT_TRUE(contains(get.out, "└─ report")) << get.out;
    auto child = json::parse(packhost_cmd({"execution", "get", doc["tree"][0]["id"], "--json"}).out);
    EXPECT_EQ(child["parent"], id);
    EXPECT_EQ(child["result"]["stdout"], "prj-0042");
}

TEST(WorkflowCli, TwoLanguageExampleAsActionChain) {
    auto r = packhost_cmd({"run", "projects.usage_chain", "name=ops", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["result"]["published"]["project_id"], "prj-0007");
    EXPECT_EQ(doc["result"]["published"]["report"], "Usage report for prj-0007: 12 instances, 48 vCPUs, 192 GB RAM");
    ASSERT_EQ(doc["tree"].size(), 2u);
    EXPECT_EQ(doc["tree"][0]["task"], "lookup");
    EXPECT_EQ(doc["tree"][1]["task"], "report");
}

TEST(WorkflowCli, ScriptsRunWhenThePacksPathIsRelative) {
    // Script actions start in other working directories: their entry points
    // must not depend on how the packs path was written.
    auto relative = std::filesystem::relative(FIXTURE_PACKS_DIR, std::filesystem::current_path()).string();
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path",    relative + ":" + BUNDLED_PACKS_DIR,
                                  "run",        "projects.lookup", "name=ops",
                                  "--json"};
    auto r = run_process(argv, {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", test_home()}});
    ASSERT_EQ(r.exit_code, 0) << relative << "\n" << r.out << r.err;
    EXPECT_EQ(json::parse(r.out)["result"]["stdout"], "prj-0007");
}

TEST(WorkflowCli, AFailingStepFailsTheWorkflowWithItsMessage) {
    auto r = packhost_cmd({"run", "projects.usage", "name=nobody", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["status"], "failed");
    // StackStorm's error entry: which task, and its result.
    auto error = doc["result"]["errors"][0];
    EXPECT_EQ(error["task_id"], "lookup") << error;
    EXPECT_EQ(error["message"], "Execution failed. See result for details.") << error;
    EXPECT_EQ(error["result"]["return_code"], 4) << error;
}

TEST(WorkflowCli, InspectAcceptsAValidWorkflow) {
    auto r = packhost_cmd(
        {"workflow", "inspect", std::string(FIXTURE_PACKS_DIR) + "/projects/actions/workflows/usage.yaml"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "valid orquesta workflow, 2 task(s)")) << r.out;
    auto c = packhost_cmd(
        {"workflow", "inspect", std::string(FIXTURE_PACKS_DIR) + "/projects/actions/chains/usage_chain.yaml"});
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_TRUE(contains(c.out, "valid action-chain workflow, 2 task(s)")) << c.out;
}

TEST(WorkflowCli, InspectReportsEveryProblemWithItsLine) {
    std::string f = definition("many_problems.yaml");
    auto r = packhost_cmd({"workflow", "inspect", f});
    EXPECT_EQ(r.exit_code, 1);
    for (const std::string& want : {
             f + ":8: task 'greet': do names 'missing_task', which is neither a task nor a command",
             f + ":21: task 'lonely_b': retry.count must be a number, got \"lots\"",
             f + ":24: task 'lonely_b': bad expression \"{{ result( }}\"",
             f + ":11: task 'lonely_a' is unreachable from the start tasks",
             f + ":18: task 'lonely_b' is unreachable from the start tasks",
             f + ":10: task 'typo': action 'core.nope' is not registered",
             f + ":12: task 'lonely_a': action 'core.echo' has no parameter 'volume'",
             f + ":19: task 'lonely_b': action 'core.echo' requires parameter 'message', which is not given",
             f + ":11: task 'lonely_a': ctx() reads 'never_set', which is no input, var or published variable",
         }) {
        EXPECT_TRUE(contains(r.out, want)) << "missing: " << want << "\n" << r.out;
    }
    auto j = json::parse(packhost_cmd({"workflow", "inspect", f, "--json"}).out);
    EXPECT_EQ(j["valid"], false);
    EXPECT_GE(j["problems"].size(), 9u);
}

// Valid Orquesta is not flagged (an output reading an earlier one, a dotted
// variable name, YAQL and StackStorm functions); unknown functions and task()
// naming no task, or asked outside a task, are; so is one value mixing YAQL and Jinja.
TEST(WorkflowCli, InspectKnowsOrquestasFunctionsAndNames) {
    std::string f = definition("functions_and_names.yaml");
    auto r = packhost_cmd({"workflow", "inspect", f, "--json"});
    EXPECT_EQ(r.exit_code, 1);
    auto j = json::parse(r.out);
    std::vector<std::string> problems;
    for (const auto& p : j["problems"]) problems.push_back(p.dump());
    auto has = [&](const std::string& text) {
        for (const auto& p : problems) {
            if (p.find(text) != std::string::npos) return true;
        }
        return false;
    };
    EXPECT_TRUE(has("task 'first': unknown function 'frobnicate'")) << r.out;
    EXPECT_TRUE(has("task 'first': unknown function 'nosuch'")) << r.out;
    EXPECT_TRUE(has("task 'second': task('nowhere') names no task of the workflow")) << r.out;
    EXPECT_TRUE(has("output 'status': task() without a task name is only known inside a task")) << r.out;
    EXPECT_TRUE(has("YAQL (<% %>) and Jinja ({{ }}) are mixed in one value")) << r.out;
    EXPECT_EQ(problems.size(), 5u) << r.out;
}

TEST(WorkflowCli, InspectRefusesALoopWithoutAWayOut) {
    std::string f = definition("cycle.yaml");
    auto r = packhost_cmd({"workflow", "inspect", f});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.out, f + ":7: tasks ping -> pong -> ping loop forever")) << r.out;
}

TEST(WorkflowCli, InspectNamesTheLineOfBrokenYaml) {
    std::string f = definition("not_yaml.yaml");
    auto r = packhost_cmd({"workflow", "inspect", f});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.out, f + ":5: invalid YAML")) << r.out;
}

TEST(WorkflowCli, InspectChecksActionChains) {
    std::string f = definition("chain_problems.yaml");
    auto r = packhost_cmd({"workflow", "inspect", f});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.out, f + ":5: task 'second': on-failure names 'nowhere', which is not a task of the chain"))
        << r.out;
    EXPECT_TRUE(contains(r.out, f + ":8: task 'orphan' is unreachable from 'first'")) << r.out;
    EXPECT_TRUE(contains(r.out, f + ":5: task 'second': action 'core.unknown' is not registered")) << r.out;
    EXPECT_TRUE(contains(r.out, f + ":2: task 'first': action 'core.echo' requires parameter 'message'")) << r.out;
}

TEST(WorkflowCli, KilledWorkflowContinuesWithExecutionResume) {
    std::string log = test_home() + "/resume.log";
    std::string id = run_and_kill_midway({"run", "flows.restartable", "log=" + log});
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(read_file(log), "first\n");
    // Other commands leave it for whoever continues it.
    auto rec = json::parse(packhost_cmd({"execution", "get", id, "--json"}).out);
    EXPECT_EQ(rec["status"], "running");

    auto r = packhost_cmd({"execution", "resume", id, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "continuing workflow " + id)) << r.err;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["id"], id);
    EXPECT_EQ(doc["status"], "succeeded");
    EXPECT_EQ(doc["result"]["output"]["path"], "failed after failed") << "the abandoned task took its failure path";
    EXPECT_EQ(read_file(log), "first\nrecover\n") << "the finished task did not run again";
    ASSERT_EQ(doc["tree"].size(), 3u);
    EXPECT_EQ(doc["tree"][1]["task"], "long");
    EXPECT_EQ(doc["tree"][1]["status"], "abandoned");
    EXPECT_EQ(doc["tree"][2]["task"], "recover");
    std::vector<std::string> log_statuses;
    for (const auto& l : doc["log"]) log_statuses.push_back(l["status"]);
    EXPECT_EQ(log_statuses.front(), "requested");
    EXPECT_EQ(log_statuses.back(), "succeeded");
}

TEST(WorkflowCli, KilledWithItemsTaskRunsNoItemTwice) {
    // Killed with some items done and one running: the done ones are not
    // run again; the running one was abandoned with its process, which (as
    // in Orquesta, with no other item running) fails the task and starts no
    // further item. Killed between two items, the rest run now. Either way
    // no item ran twice and each execution is in the tree.
    std::string log = test_home() + "/items.log";
    std::string id = run_and_kill_midway({"run", "flows.items_restartable", "log=" + log}, "core.local", 3);
    ASSERT_FALSE(id.empty());
    auto r = packhost_cmd({"execution", "resume", id, "--json"});
    auto doc = json::parse(r.out);
    std::vector<std::string> lines;
    std::istringstream in(read_file(log));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_GE(lines.size(), 2u) << "the kill came after a few items";
    for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], std::to_string(i)) << read_file(log);
    ASSERT_EQ(doc["tree"].size(), lines.size()) << doc.dump(2);
    size_t abandoned = 0;
    for (const auto& t : doc["tree"]) abandoned += t["status"] == "abandoned" ? 1 : 0;
    if (doc["status"] == "failed") {
        EXPECT_EQ(abandoned, 1u) << doc.dump(2);
    } else {
        EXPECT_EQ(doc["status"], "succeeded") << doc.dump(2);
        EXPECT_EQ(lines.size(), 6u);
    }
}

TEST(WorkflowCli, KilledWorkflowCanBeCanceledInsteadOfContinued) {
    std::string log = test_home() + "/cancel.log";
    std::string id = run_and_kill_midway({"run", "flows.restartable", "log=" + log});
    ASSERT_FALSE(id.empty());
    auto c = packhost_cmd({"execution", "cancel", id});
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    auto rec = json::parse(packhost_cmd({"execution", "get", id, "--json"}).out);
    EXPECT_EQ(rec["status"], "canceled");
    auto r = packhost_cmd({"execution", "resume", id});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "has already finished: canceled")) << r.err;
    EXPECT_EQ(read_file(log), "first\n") << "nothing ran after the cancel";
}

TEST(WorkflowCli, KilledActionChainContinuesFromItsLastStep) {
    std::string log = test_home() + "/chain.log";
    std::string id = run_and_kill_midway({"run", "flows.chain_restartable", "log=" + log});
    ASSERT_FALSE(id.empty());
    auto r = packhost_cmd({"execution", "resume", id, "--json"});
    ASSERT_EQ(r.exit_code, 1) << "a chain with a failed (abandoned) task fails\n" << r.out << r.err;
    auto doc = json::parse(r.out);
    ASSERT_EQ(doc["result"]["tasks"].size(), 3u) << doc.dump(2);
    EXPECT_EQ(doc["result"]["tasks"][1]["name"], "long");
    EXPECT_EQ(doc["result"]["tasks"][1]["state"], "abandoned");
    EXPECT_EQ(doc["result"]["tasks"][2]["name"], "recover");
    EXPECT_EQ(read_file(log), "first\nrecover\n") << "the finished step did not run again";
}

TEST(WorkflowCli, ServeContinuesKilledWorkflows) {
    std::string log = test_home() + "/serve.log";
    std::string id = run_and_kill_midway({"run", "flows.restartable", "log=" + log});
    ASSERT_FALSE(id.empty());
    std::vector<std::string> argv{
        PACKHOST_BIN, "--packs-path", std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR,
        "serve",      "--bind",       "127.0.0.1:0"};
    auto serve = run_process(argv, {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", test_home()}}, "", SIGTERM, 2500);
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_TRUE(contains(serve.out, "continuing 1 unfinished workflow(s)")) << serve.out;
    EXPECT_TRUE(contains(serve.out, "continuing " + id)) << serve.out;
    auto rec = json::parse(packhost_cmd({"execution", "get", id, "--json"}).out);
    EXPECT_EQ(rec["status"], "succeeded") << rec.dump(2);
    EXPECT_EQ(read_file(log), "first\nrecover\n");
}

TEST(WorkflowCli, PauseAndResumeAcrossProcesses) {
    // `run` in one process; pause and resume from others through the store.
    // The first task lasts long enough for a slow (sanitized) packhost to
    // start and ask for the pause while it runs.
    std::vector<std::string> argv{
        PACKHOST_BIN, "--packs-path", std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR, "run", "flows.pausable",
        "seconds=3",  "--json"};
    packhost::testing::ProcessResult runner;
    std::thread t([&] { runner = run_process(argv, {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", test_home()}}); });
    std::string id;
    for (int i = 0; i < 100 && id.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto list = json::parse(
            packhost_cmd({"execution", "list", "--action", "flows.pausable", "--status", "running", "--json"}).out);
        if (!list.empty()) id = list[0]["id"];
    }
    if (id.empty()) t.join();
    ASSERT_FALSE(id.empty());
    auto p = packhost_cmd({"execution", "pause", id});
    EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
    auto rec = json::parse(packhost_cmd({"execution", "get", id, "--json"}).out);
    EXPECT_EQ(rec["status"], "paused");
    EXPECT_EQ(rec["children"].size(), 1u) << "the second task waits";
    auto r = packhost_cmd({"execution", "resume", id});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    t.join();
    EXPECT_EQ(runner.exit_code, 0) << runner.err;
    EXPECT_EQ(json::parse(runner.out)["status"], "succeeded");

    auto bad =
        packhost_cmd({"execution", "pause", json::parse(packhost_cmd({"run", "core.noop", "--json"}).out)["id"]});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "only workflows (orquesta, action-chain) can be paused")) << bad.err;
}

TEST(WorkflowCli, ServeFailsAWorkflowItCannotReadBackAndContinuesTheOthers) {
    std::string log_a = test_home() + "/unreadable-a.log", log_b = test_home() + "/unreadable-b.log";
    std::string broken = run_and_kill_midway({"run", "flows.restartable", "log=" + log_a});
    std::string fine = run_and_kill_midway({"run", "flows.restartable", "log=" + log_b});
    ASSERT_FALSE(broken.empty());
    ASSERT_FALSE(fine.empty());
    ASSERT_NE(broken, fine);
    // State nested 100,000 deep (written by something else, or an older
    // packhost): reading it back used to crash `serve` at every start.
    auto sql = run_process({"/usr/bin/sqlite3", test_home() + "/packhost.db",
                            "UPDATE workflow_state SET state = replace(hex(zeroblob(100000)), '00', '[') || "
                            "replace(hex(zeroblob(100000)), '00', ']') WHERE execution_id = '" +
                                broken + "'"});
    ASSERT_EQ(sql.exit_code, 0) << sql.err;

    std::vector<std::string> argv{
        PACKHOST_BIN, "--packs-path", std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR,
        "serve",      "--bind",       "127.0.0.1:0"};
    auto serve = run_process(argv, {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", test_home()}}, "", SIGTERM, 2500);
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    auto a = json::parse(packhost_cmd({"execution", "get", broken, "--json"}).out);
    EXPECT_EQ(a["status"], "failed") << a.dump(2);
    EXPECT_EQ(a["result"]["errors"][0]["message"],
              "cannot continue: recorded workflow state: nested deeper than 128 levels (at byte 128)");
    auto b = json::parse(packhost_cmd({"execution", "get", fine, "--json"}).out);
    EXPECT_EQ(b["status"], "succeeded") << b.dump(2);
}

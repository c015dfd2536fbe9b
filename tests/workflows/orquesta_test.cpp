// Orquesta workflows run by a real host over the `flows` fixture pack and
// the bundled core pack, recorded in a real SQLite store: results, the tree
// of child executions, and each semantic rule of the language.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/errors.hpp"
#include "host.hpp"
#include "support/run_and_wait.hpp"
#include "workflows/workflow_host.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;
namespace fs = std::filesystem;

namespace {

class Orquesta : public packhost::testing::WorkflowHost {
protected:
    static void SetUpTestSuite() { start_host("orquesta", 4); }

    std::shared_ptr<executions::Execution> run(const std::string& ref, json params = json::object()) {
        return packhost::testing::run_and_wait(*host_, ref, std::move(params));
    }
    static std::vector<std::string> tasks_of(const std::string& id) {
        std::vector<std::string> out;
        for (const auto& c : children(id)) out.push_back(c.context["orquesta"]["task_name"]);
        return out;
    }
};

std::string error_text(const executions::Execution& e) { return e.result().dump(); }

}  // namespace

TEST_F(Orquesta, PackLoadsWithItsWorkflows) {
    for (const auto& p : host_->catalog().refused()) {
        if (p.ref == "flows") ADD_FAILURE() << p.reason;
    }
    ASSERT_TRUE(host_->registry().find("flows.sequence"));
    EXPECT_EQ(host_->registry().find("flows.sequence")->runner_type, "orquesta");
}

TEST_F(Orquesta, PublishCarriesDataToTheNextTaskAndOutput) {
    auto e = run("flows.sequence", {{"name", "ops"}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"], (json{{"greeting", "hello ops"},
                                           {"final", "HELLO OPS!"},
                                           {"execution", e->id()},
                                           {"greet_status", "succeeded"}}));
    std::vector<std::string> keys;
    auto result = e->result();
    for (const auto& [k, v] : result["output"].items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"greeting", "final", "execution", "greet_status"}))
        << "the output keeps the order the workflow declares";
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_EQ(kids[0].action, "core.echo");
    EXPECT_EQ(kids[0].parent, e->id());
    EXPECT_EQ(kids[0].parameters["message"], "hello ops") << "inline input, rendered";
    EXPECT_EQ(kids[1].parameters["message"], "HELLO OPS!");
    EXPECT_EQ(kids[0].context["parent"]["execution_id"], e->id());
    auto wf = recorded(e->id());
    ASSERT_TRUE(wf);
    EXPECT_EQ(wf->status, packhost::core::Status::succeeded);
    EXPECT_EQ(wf->runner_type, "orquesta");
}

TEST_F(Orquesta, JoinWaitsForEveryBranchAndMergesTheirContexts) {
    auto e = run("flows.parallel_join");
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["joined"], "left+right");
    auto tasks = tasks_of(e->id());
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "together"), 1);
}

TEST_F(Orquesta, WithoutJoinATaskRunsOncePerArrival) {
    auto e = run("flows.no_join");
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    auto tasks = tasks_of(e->id());
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "after"), 2);
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "start"), 0) << "a task without action starts no child";
}

TEST_F(Orquesta, WithItemsKeepsItemOrderUnderConcurrency) {
    auto e = run("flows.items", {{"seconds", {0.3, 0.05, 0.15, 0.0}}, {"concurrency", 2}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["slept"], (json{0.3, 0.05, 0.15, 0.0}));
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 4u);
    // Never more than two at once: each start is before the end of all but one earlier item.
    for (size_t i = 2; i < kids.size(); ++i) {
        int ended_before = 0;
        for (size_t j = 0; j < i; ++j) ended_before += kids[j].end_us <= kids[i].start_us ? 1 : 0;
        EXPECT_GE(ended_before, static_cast<int>(i) - 1) << "item " << i << " started with more than 2 running";
    }
}

TEST_F(Orquesta, WithItemsOverEmptyListSucceeds) {
    auto e = run("flows.items", {{"seconds", json::array()}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["slept"], json::array());
}

TEST_F(Orquesta, FailurePathHandlesAFailedTask) {
    auto e = run("flows.failure_path");
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["handled"], "handled disk full");
    EXPECT_EQ(tasks_of(e->id()), (std::vector<std::string>{"boom", "handle"}));
}

TEST_F(Orquesta, UnhandledFailureFailsFastButLetsRunningTasksFinish) {
    auto e = run("flows.fail_fast");
    ASSERT_EQ(e->status(), Status::failed);
    auto errors = e->result()["errors"];
    ASSERT_EQ(errors.size(), 1u) << errors;
    EXPECT_EQ(errors[0]["task_id"], "bad");
    EXPECT_EQ(errors[0]["message"], "Execution failed. See result for details.") << errors;
    EXPECT_EQ(errors[0]["result"]["error"], "bad branch") << errors;
    auto kids = children(e->id());
    std::vector<std::string> tasks = tasks_of(e->id());
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "after"), 0) << "nothing new starts after the failure";
    for (const auto& k : kids) {
        if (k.context["orquesta"]["task_name"] == "slow") {
            EXPECT_EQ(k.status, packhost::core::Status::succeeded) << "it ran to its end";
        }
    }
}

TEST_F(Orquesta, ATaskThatDoesNotRenderFailsTheWorkflow) {
    // Orquesta fails the workflow (not the task) when a task's input does
    // not render: no failure path is taken.
    auto e = run("flows.expr_error");
    ASSERT_EQ(e->status(), Status::failed) << error_text(*e);
    auto error = e->result()["errors"][0];
    EXPECT_EQ(error["task_id"], "render") << error;
    EXPECT_EQ(error["route"], 0) << error;
    std::string msg = error["message"];
    EXPECT_NE(msg.find("JinjaEvaluationException: Unable to evaluate expression '{{ ctx().missing.deeper }}'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
    EXPECT_TRUE(tasks_of(e->id()).empty()) << "the broken task started no child, nor did its failure path";
}

TEST_F(Orquesta, WithItemsOverANonListFailsTheTask) {
    auto e = run("flows.items_not_list");
    ASSERT_EQ(e->status(), Status::failed);
    std::string msg = e->result()["errors"][0]["message"];
    EXPECT_NE(msg.find("TypeError: The value of \"{{ ctx().hosts }}\" is not type of list."), std::string::npos) << msg;
}

TEST_F(Orquesta, RetryRunsTheTaskAgainUntilItSucceeds) {
    auto counter = *dir_ / "retry-counter";
    auto e = run("flows.retry", {{"counter", counter.string()}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["attempts"], 3);
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 3u);
    EXPECT_EQ(kids[0].status, packhost::core::Status::failed);
    EXPECT_EQ(kids[2].status, packhost::core::Status::succeeded);
}

TEST_F(Orquesta, DoRetryRunsTheTaskAgain) {
    auto e = run("flows.do_retry", {{"counter", (*dir_ / "do-retry-counter").string()}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["attempts"], 2);
    EXPECT_EQ(children(e->id()).size(), 2u);
}

TEST_F(Orquesta, RetryCountThatIsNotANumberFailsTheTask) {
    auto e = run("flows.retry_bad_count");
    ASSERT_EQ(e->status(), Status::failed);
    std::string msg = e->result()["errors"][0]["message"];
    EXPECT_NE(msg.find("The retry count for task \"flaky\" is not an integer: \"many\""), std::string::npos) << msg;
    EXPECT_EQ(e->result()["errors"][0]["task_id"], "flaky");
}

TEST_F(Orquesta, DelayWaitsBeforeTheTaskStarts) {
    auto t0 = std::chrono::steady_clock::now();
    auto e = run("flows.delayed");
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200));
}

TEST_F(Orquesta, NoopSwallowsAFailure) {
    auto e = run("flows.swallow");
    EXPECT_EQ(e->status(), Status::succeeded) << error_text(*e);
}

TEST_F(Orquesta, FailCommandFailsTheWorkflowAfterTheOtherTargets) {
    auto e = run("flows.explicit_fail");
    ASSERT_EQ(e->status(), Status::failed);
    EXPECT_EQ(tasks_of(e->id()), (std::vector<std::string>{"fine", "alert"}));
    // The engine command is a task of its own, which failed.
    EXPECT_EQ(e->result()["errors"],
              json::parse(R"([{"type": "error", "message": "Execution failed. See result for details.",
                                                     "task_id": "fail"}])"));
}

TEST_F(Orquesta, NestedWorkflowIsAChildWithItsOwnChildren) {
    auto e = run("flows.nested", {{"name", "deep"}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(e->result()["output"]["inner"], "HELLO DEEP!");
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].action, "flows.sequence");
    EXPECT_EQ(children(kids[0].id).size(), 2u);
}

TEST_F(Orquesta, CancelCascadesToRunningTasks) {
    executions::Request r;
    r.action = "flows.restartable";
    r.parameters = {{"log", (*dir_ / "cancel.log").string()}};
    auto e = host_->scheduler().submit(r);
    // Wait for the long task to be running.
    std::string child;
    for (int i = 0; i < 200 && child.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (const auto& k : live_children(e->id())) {
            if (k->action().ref == "core.sleep" && k->status() == Status::running) child = k->id();
        }
    }
    ASSERT_FALSE(child.empty());
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(host_->scheduler().cancel(e->id()));
    ASSERT_TRUE(e->wait_for(std::chrono::seconds(10)));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    EXPECT_EQ(e->status(), Status::canceled);
    EXPECT_EQ(host_->scheduler().find(child)->status(), Status::canceled);
    auto tasks = tasks_of(e->id());
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "recover"), 0) << "nothing starts after a cancel";
}

TEST_F(Orquesta, TimeoutCancelsTheTasksAndEndsTheWorkflowAsTimedOut) {
    executions::Request r;
    r.action = "flows.restartable";
    r.parameters = {{"log", (*dir_ / "timeout.log").string()}};
    r.timeout_seconds = 0.3;
    auto e = host_->scheduler().submit(r);
    ASSERT_TRUE(e->wait_for(std::chrono::seconds(10)));
    EXPECT_EQ(e->status(), Status::timeout) << error_text(*e);
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_EQ(kids[1].action, "core.sleep");
    EXPECT_EQ(kids[1].status, packhost::core::Status::canceled);
}

TEST_F(Orquesta, PauseWaitsForRunningTasksAndResumeGoesOn) {
    executions::Request r;
    r.action = "flows.pausable";
    auto e = host_->scheduler().submit(r);
    for (int i = 0; i < 200 && (live_children(e->id()).empty() || e->status() != Status::running); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(host_->scheduler().pause(e->id()));
    EXPECT_EQ(e->status(), Status::pausing);
    for (int i = 0; i < 300 && e->status() != Status::paused; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(e->status(), Status::paused);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(tasks_of(e->id()), (std::vector<std::string>{"first"})) << "second waits while paused";
    EXPECT_FALSE(host_->scheduler().pause(e->id())) << "already paused";
    ASSERT_TRUE(host_->scheduler().resume(e->id()));
    ASSERT_TRUE(e->wait_for(std::chrono::seconds(10)));
    EXPECT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(tasks_of(e->id()), (std::vector<std::string>{"first", "second"}));
    auto record = e->to_json();
    std::vector<std::string> log;
    for (const auto& l : record["log"]) log.push_back(l["status"]);
    EXPECT_EQ(log, (std::vector<std::string>{"requested", "scheduled", "running", "pausing", "paused", "resuming",
                                             "running", "succeeded"}));
}

TEST_F(Orquesta, OnlyWorkflowsPause) {
    executions::Request r;
    r.action = "core.sleep";
    r.parameters = {{"seconds", 0.3}};
    auto e = host_->scheduler().submit(r);
    EXPECT_THROW(host_->scheduler().pause(e->id()), core::ValidationError);
    e->wait();
}

TEST_F(Orquesta, InvalidTaskInputFailsTheTaskWithTheValidationMessage) {
    auto e = run("flows.bad_child_input");
    ASSERT_EQ(e->status(), Status::failed);
    std::string msg = e->result()["errors"][0]["message"];
    EXPECT_NE(msg.find("parameter 'seconds' must be a number"), std::string::npos) << msg;
    EXPECT_EQ(e->result()["errors"][0]["task_id"], "nap");
    EXPECT_TRUE(children(e->id()).empty());
}

TEST_F(Orquesta, AWorkflowInYaqlRunsAsStackStormRunsIt) {
    auto e = run("flows.yaql_report", {{"hosts", {"web1", "skip-me", "db22"}}});
    ASSERT_EQ(e->status(), Status::succeeded) << error_text(*e);
    EXPECT_EQ(
        e->result()["output"],
        (json{{"listing", {"A", "BB", "C"}},
              {"names", {"srv-web1", "srv-db22"}},
              {"count", 2},
              {"first", "SRV-WEB1"},
              {"summary", "2 hosts, first srv-web1"},
              {"by_length", {8}},
              {"from_task", {"srv-web1", "srv-db22"}},
              {"st2_keys", {"action_execution_id", "api_url", "api_user", "pack", "user", "workflow_execution_id"}},
              {"pack", "flows"}}));
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 3u);
    EXPECT_EQ(kids[0].action, "core.local");
    EXPECT_EQ(kids[1].parameters["message"], "srv-web1") << "inline input in YAQL, rendered per item";
    EXPECT_EQ(kids[2].parameters["message"], "srv-db22");
}

// StackStorm's st2kv() (its orquesta-st2kv examples): the system scope by
// prefix, the run's user's scope without one, a secret opened only with
// decrypt, a default when the key is missing, and StackStorm's error
// when it is missing without one.
TEST_F(Orquesta, St2kvReadsTheDatastoreInWorkflowExpressions) {
    auto& ds = *host_->datastore();
    ds.set("greeting", "hello", std::chrono::seconds(0), {"system", "", false});
    ds.set("token", "eggplant", std::chrono::seconds(0), {"system", "", true});
    auto probe = run("core.noop");
    ds.set("mine", "SoDiamondEng", std::chrono::seconds(0), {"user", probe->user(), false});

    auto opened = run("flows.kv_read", {{"key_name", "system.token"}, {"decrypt", true}, {"fallback", "stone"}});
    ASSERT_EQ(opened->status(), Status::succeeded) << error_text(*opened);
    json out = opened->result()["output"];
    EXPECT_EQ(out["greeting"], "hello");
    EXPECT_EQ(out["value"], "eggplant");
    EXPECT_EQ(out["value_from_yaql"], "stone");
    EXPECT_EQ(out["value_from_jinja"], "stone");
    auto kids = children(opened->id());
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].parameters["message"], "eggplant") << "task input rendered with st2kv()";

    auto sealed = run("flows.kv_read", {{"key_name", "system.token"}, {"fallback", ""}});
    ASSERT_EQ(sealed->status(), Status::succeeded) << error_text(*sealed);
    EXPECT_NE(sealed->result()["output"]["value"], "eggplant") << "a secret stays sealed without decrypt";
    EXPECT_EQ(sealed->result()["output"]["value_from_jinja"], "") << "an empty default is a default";

    auto user_scoped = run("flows.kv_read", {{"key_name", "mine"}});
    ASSERT_EQ(user_scoped->status(), Status::succeeded) << error_text(*user_scoped);
    EXPECT_EQ(user_scoped->result()["output"]["value"], "SoDiamondEng");
    EXPECT_EQ(user_scoped->result()["output"]["value_from_yaql"], nullptr) << "fallback not given: null";

    auto missing = run("flows.kv_read", {{"key_name", "system.matt"}, {"decrypt", true}});
    ASSERT_EQ(missing->status(), Status::failed);
    std::string first_error = missing->result()["errors"][0].value("message", "");
    EXPECT_NE(first_error.find("The key \"matt\" does not exist in the StackStorm datastore."), std::string::npos)
        << missing->result();
}

// What keeps one workflow from taking the host with it: a loop with no way
// out ends at a cap on task runs or on recorded state, each transition
// records only what it changed, secret inputs never reach the store in
// plaintext, and a value nested past the host's limit fails the workflow
// instead of crashing the process.
#include <gtest/gtest.h>

#include <string>

#include "host.hpp"
#include "support/run_and_wait.hpp"
#include "workflows/workflow_host.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;

namespace {

class WorkflowLimits : public packhost::testing::WorkflowHost {
protected:
    static void SetUpTestSuite() {
        actions::WorkflowLimits limits;
        limits.max_tasks = 400;
        limits.max_state_bytes = size_t{1} << 20;
        start_host("limits", 2, limits);
    }

    std::shared_ptr<executions::Execution> run(const std::string& ref, json params = json::object()) {
        return packhost::testing::run_and_wait(*host_, ref, std::move(params));
    }

    // Everything recorded for the workflow's state, as stored.
    static std::string stored_state(const std::string& id) {
        host_->store()->flush();
        std::string all;
        for (const auto& part : host_->store()->workflow_state(id)) all += part.state;
        return all;
    }
};

std::string first_error(const executions::Execution& e) {
    return e.result()["errors"].empty() ? "" : e.result()["errors"][0]["message"].get<std::string>();
}

}  // namespace

TEST_F(WorkflowLimits, ALoopWithNoWayOutEndsAtTheTaskCap) {
    auto e = run("flows.forever");
    ASSERT_EQ(e->status(), Status::failed) << e->result().dump();
    EXPECT_EQ(first_error(*e),
              "the workflow ran 400 tasks, the most one workflow may run (a loop that never ends? the limit is "
              "--workflow-max-tasks)");
    EXPECT_EQ(children(e->id()).size(), 400u);
}

TEST_F(WorkflowLimits, EachTransitionRecordsOnlyWhatItChanged) {
    // 100 KB of input, 400 transitions: writing the whole context each time
    // would record 40 MB.
    auto e = run("flows.forever", {{"ballast", std::string(100000, 'x')}});
    ASSERT_EQ(e->status(), Status::failed);
    size_t recorded = stored_state(e->id()).size();
    EXPECT_GT(recorded, 100000u) << "the input is recorded once";
    EXPECT_LT(recorded, 200000u + 400u * 200u) << "and each transition adds a few hundred bytes";
}

TEST_F(WorkflowLimits, GrowingStateEndsAtTheStateCap) {
    // Each iteration publishes a longer list: its state grows quadratically.
    auto e = run("flows.growing");
    ASSERT_EQ(e->status(), Status::failed) << e->result().dump();
    EXPECT_EQ(first_error(*e),
              "the workflow's recorded state grew past 1 MiB, the most one workflow may record (the limit is "
              "--workflow-max-state)");
    EXPECT_LT(stored_state(e->id()).size(), size_t{2} << 20);
}

TEST_F(WorkflowLimits, AChainLoopEndsAtTheTaskCap) {
    auto e = run("flows.chain_forever");
    ASSERT_EQ(e->status(), Status::failed) << e->result().dump();
    EXPECT_EQ(e->result()["error"],
              "the chain ran 400 tasks, the most one workflow may run (a loop that never ends? the limit is "
              "--workflow-max-tasks)");
}

TEST_F(WorkflowLimits, SecretInputsAreNeverStoredInPlaintext) {
    const std::string token = "s3cr3t-t0ken-value";
    auto e = run("flows.secret_input", {{"token", token}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->result().dump();
    EXPECT_EQ(e->result()["output"]["header_length"], 7 + token.size());
    std::string state = stored_state(e->id());
    ASSERT_FALSE(state.empty());
    EXPECT_EQ(state.find(token), std::string::npos) << "input, vars and what was published from them are sealed";
    EXPECT_EQ(state.find("Bearer"), std::string::npos);
    auto rec = host_->store()->execution(e->id());
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->parameters["token"], "********");
}

TEST_F(WorkflowLimits, ATaskInputNestedTooDeepFailsTheWorkflowNotTheHost) {
    auto e = run("flows.deep_input");
    ASSERT_EQ(e->status(), Status::failed) << e->result().dump();
    std::string msg = first_error(*e);
    EXPECT_NE(msg.find("nested deeper than 128 levels"), std::string::npos) << msg;
    EXPECT_EQ(run("core.noop")->status(), Status::succeeded) << "the host is fine";
}

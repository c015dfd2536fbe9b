// ActionChain workflows run by a real host over the `flows` fixture pack.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "host.hpp"
#include "support/run_and_wait.hpp"
#include "workflows/workflow_host.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;
namespace fs = std::filesystem;

namespace {

class ActionChain : public packhost::testing::WorkflowHost {
protected:
    static void SetUpTestSuite() { start_host("chain", 2); }
};

}  // namespace

TEST_F(ActionChain, ResultsByTaskNamePublishAndVars) {
    auto e = packhost::testing::run_and_wait(*host_, "flows.chain_demo", {{"name", "ops"}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->result().dump();
    auto r = e->result();
    EXPECT_EQ(r["published"], (json{{"upper", "HELLO OPS"}}));
    ASSERT_EQ(r["tasks"].size(), 2u);
    EXPECT_EQ(r["tasks"][0]["name"], "c1");
    EXPECT_EQ(r["tasks"][0]["state"], "succeeded");
    EXPECT_EQ(r["tasks"][1]["result"]["message"], "HELLO OPS / hello ops");
    auto kids = children(e->id());
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_EQ(kids[0].action, "core.local");
    EXPECT_EQ(kids[1].action, "core.echo");
    EXPECT_EQ(r["tasks"][1]["execution_id"], kids[1].id);
}

TEST_F(ActionChain, OnFailureRunsButTheChainStillFails) {
    // StackStorm's rule: a chain with a failed task fails, even when an
    // on-failure task ran after it.
    auto e = packhost::testing::run_and_wait(*host_, "flows.chain_failure");
    ASSERT_EQ(e->status(), Status::failed);
    auto r = e->result();
    ASSERT_EQ(r["tasks"].size(), 2u);
    EXPECT_EQ(r["tasks"][0]["state"], "failed");
    EXPECT_EQ(r["tasks"][1]["result"]["message"], "recovered from no quota");
    EXPECT_EQ(r["error"], "task 'breaks' failed: no quota");
}

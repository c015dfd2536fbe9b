// run-action (core.run) and execution-get (core.execution_get), the runners
// behind chat's bundled `!run` and `!execution get`, on a real host.
#include "executions/execution_runners.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "host.hpp"
#include "support/run_and_wait.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;
using namespace std::chrono_literals;

namespace {

class ExecutionRunners : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        HostOptions o;
        o.packs_path = {BUNDLED_PACKS_DIR};
        o.scheduler.workers = 4;
        host_ = new Host(o);
    }
    static void TearDownTestSuite() {
        delete host_;
        host_ = nullptr;
    }
    static Host* host_;
};

Host* ExecutionRunners::host_ = nullptr;

}  // namespace

TEST_F(ExecutionRunners, RunStartsTheNamedActionAsItsChildAndEndsWithItsResult) {
    auto e = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.echo"}, {"message", "relayed"}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->to_json().dump();
    EXPECT_EQ(e->result()["message"], "relayed");
    auto children = host_->scheduler().recent(10);
    bool found = false;
    for (const auto& c : children) {
        auto j = c->to_json();
        if (j.value("parent", "") == e->id()) {
            found = true;
            EXPECT_EQ(j["action"]["ref"], "core.echo");
            EXPECT_EQ(j["parameters"], (json{{"message", "relayed"}}));
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(ExecutionRunners, RunCastsTextValuesByTheTargetsTypes) {
    // As chat and the CLI give them: text, cast as `packhost run` casts.
    auto e = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.sleep"}, {"seconds", "0.01"}});
    EXPECT_EQ(e->status(), Status::succeeded) << e->to_json().dump();
    auto bad = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.sleep"}, {"seconds", "soon"}});
    EXPECT_EQ(bad->status(), Status::failed);
    EXPECT_NE(bad->result()["error"].get<std::string>().find("core.sleep: parameter 'seconds'"), std::string::npos)
        << bad->result().dump();
}

TEST_F(ExecutionRunners, RunFailsClearlyForAnUnknownActionOrBadParameters) {
    auto e = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.missing"}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_EQ(e->result()["error"], "core.missing: action 'core.missing' is not registered");
    auto extra = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.echo"}, {"nope", 1}});
    EXPECT_EQ(extra->status(), Status::failed);
    EXPECT_NE(extra->result()["error"].get<std::string>().find("nope"), std::string::npos) << extra->result().dump();
    auto failing = packhost::testing::run_and_wait(*host_, "core.run", {{"ref", "core.error"}, {"message", "boom"}});
    EXPECT_EQ(failing->status(), Status::failed);
    EXPECT_EQ(failing->result()["error"], "boom") << failing->result().dump();
}

TEST_F(ExecutionRunners, CancelingTheRunCancelsWhatItStarted) {
    executions::Request r;
    r.action = "core.run";
    r.parameters = {{"ref", "core.sleep"}, {"seconds", 30}};
    auto e = host_->scheduler().submit(std::move(r));
    std::shared_ptr<executions::Execution> child;
    for (int i = 0; i < 500 && !child; ++i) {
        for (const auto& c : host_->scheduler().recent(20)) {
            if (c->to_json().value("parent", "") == e->id() && c->status() == Status::running) child = c;
        }
        if (!child) std::this_thread::sleep_for(2ms);
    }
    ASSERT_TRUE(child);
    host_->control().cancel(e->id(), 5000ms);
    e->wait();
    child->wait();
    EXPECT_EQ(child->status(), Status::canceled);
    EXPECT_EQ(e->status(), Status::canceled);
}

TEST_F(ExecutionRunners, ExecutionGetShowsARecordOrSaysThereIsNone) {
    auto first = packhost::testing::run_and_wait(*host_, "core.echo", {{"message", "kept"}});
    auto got = packhost::testing::run_and_wait(*host_, "core.execution_get", {{"id", first->id()}});
    ASSERT_EQ(got->status(), Status::succeeded) << got->result().dump();
    EXPECT_EQ(got->result()["id"], first->id());
    EXPECT_EQ(got->result()["status"], "succeeded");
    EXPECT_EQ(got->result()["action"]["ref"], "core.echo");
    EXPECT_EQ(got->result()["result"]["message"], "kept");
    auto none = packhost::testing::run_and_wait(*host_, "core.execution_get", {{"id", "0123456789abcdef01234567"}});
    EXPECT_EQ(none->status(), Status::failed);
    EXPECT_EQ(none->result()["error"], "no execution 0123456789abcdef01234567");
}

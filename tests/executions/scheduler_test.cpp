// The execution path through real packs: lifecycle, failures, secrets,
// serialisation, cancel and timeout, output, host services.
#include "executions/scheduler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "core/errors.hpp"
#include "host.hpp"
#include "support/event_log.hpp"
#include "support/host_options.hpp"
#include "support/run_and_wait.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;
using namespace std::chrono_literals;

namespace {

class Executions : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        HostOptions o;
        o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
        o.scheduler.workers = 4;
        o.scheduler.stop_grace = std::chrono::milliseconds(300);
        // "Quick" far above what core.echo takes on a loaded machine, far
        // below core.sleep's 0.3 s: which one runs where does not depend on
        // the machine's speed.
        o.scheduler.inline_below = std::chrono::milliseconds(100);
        host_ = new Host(o);
    }
    static void TearDownTestSuite() {
        delete host_;
        host_ = nullptr;
    }

    std::shared_ptr<executions::Execution> run(const std::string& ref, json params = json::object(),
                                               double timeout = 0) {
        return packhost::testing::run_and_wait(*host_, ref, std::move(params), timeout);
    }

    static std::vector<std::string> statuses(const executions::Execution& e) {
        std::vector<std::string> out;
        auto record = e.to_json();
        for (const auto& entry : record["log"]) out.push_back(entry["status"]);
        return out;
    }

    static Host* host_;
};

Host* Executions::host_ = nullptr;

}  // namespace

TEST_F(Executions, SucceedsWithTheRecordStackStormShows) {
    auto e = run("core.echo", {{"message", "hi"}});
    EXPECT_EQ(e->status(), Status::succeeded);
    auto j = e->to_json();
    EXPECT_EQ(j["id"].get<std::string>().size(), 24u);
    EXPECT_EQ(j["action"]["ref"], "core.echo");
    EXPECT_EQ(j["parameters"], (json{{"message", "hi"}}));
    EXPECT_EQ(j["result"]["message"], "hi");
    EXPECT_EQ(j["status"], "succeeded");
    for (const char* k : {"start_timestamp", "end_timestamp"}) {
        std::string ts = j[k];
        EXPECT_EQ(ts.size(), 27u) << ts;
        EXPECT_EQ(ts.back(), 'Z');
    }
    EXPECT_GE(j["elapsed_seconds"].get<double>(), 0.0);
    EXPECT_EQ(statuses(*e), (std::vector<std::string>{"requested", "scheduled", "running", "succeeded"}));
    EXPECT_EQ(host_->scheduler().find(e->id()), e);
}

TEST_F(Executions, UnknownActionAndBadParametersAreRefusedBeforeRecording) {
    EXPECT_THROW(host_->scheduler().submit({"core.nope"}), core::NotFound);
    try {
        host_->scheduler().submit({"core.echo", {{"message", 5}}});
        FAIL();
    } catch (const core::ValidationError& e) {
        EXPECT_EQ(e.problems(), std::vector<std::string>{"parameter 'message' must be a string, got 5"});
    }
}

TEST_F(Executions, AThrownExceptionFailsTheExecution) {
    auto e = run("good.throws");
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_EQ(e->result(), (json{{"error", "kaboom"}}));
    auto s = run("good.fails_structured");
    EXPECT_EQ(s->result(), (json{{"error", "quota exceeded"}, {"details", {{"limit", 5}}}}));
    auto c = run("core.error", {{"message", "boom"}});
    EXPECT_EQ(c->status(), Status::failed);
    EXPECT_EQ(c->result(), (json{{"error", "boom"}}));
}

TEST_F(Executions, InvalidJsonFromAnActionFailsIt) {
    auto e = run("bad_json.garbage");
    EXPECT_EQ(e->status(), Status::failed);
    // Where the text stops being JSON, and the text itself once (not re-encoded).
    EXPECT_EQ(e->result()["error"].get<std::string>().rfind(
                  "action bad_json.garbage's result: invalid JSON: parse error at line 1, column 3:", 0),
              0u)
        << e->result();
    EXPECT_EQ(e->result()["raw_result"], "{not json");
    // The host is fine afterwards.
    EXPECT_EQ(run("core.noop")->status(), Status::succeeded);
}

TEST_F(Executions, AResultJsonCannotHoldFailsTheExecutionSayingWhere) {
    // The SDK used to print NaN as null and bad bytes as U+FFFD, and call it a success.
    auto n = run("good.nan_result");
    EXPECT_EQ(n->status(), Status::failed);
    EXPECT_EQ(n->result()["error"],
              "the action returned an invalid result: result.items[1] is NaN, which JSON cannot hold");
    auto u = run("good.bad_utf8");
    EXPECT_EQ(u->status(), Status::failed);
    EXPECT_EQ(u->result()["error"],
              "the action returned an invalid result: result.rows[0].name is not valid UTF-8 (at byte 3)");
}

TEST_F(Executions, SecretsAreMaskedInTheRecord) {
    auto e = run("good.secret_echo", {{"token", "hunter2"}});
    EXPECT_EQ(e->status(), Status::succeeded);
    auto shown = e->to_json();
    EXPECT_EQ(shown["parameters"]["token"], "********");
    EXPECT_EQ(shown["result"]["token"], "********");
    EXPECT_EQ(shown["parameters"]["user"], "alice");
    EXPECT_EQ(shown.dump().find("hunter2"), std::string::npos);
    EXPECT_EQ(e->to_json(/*show_secrets=*/true)["parameters"]["token"], "hunter2");
    EXPECT_EQ(e->parameters()["token"], "hunter2") << "the action itself sees the value";
}

TEST_F(Executions, NonReentrantActionsNeverOverlap) {
    std::vector<std::shared_ptr<executions::Execution>> all;
    for (int i = 0; i < 8; ++i) all.push_back(host_->scheduler().submit({"good.serial"}));
    for (auto& e : all) e->wait();
    for (auto& e : all) {
        EXPECT_EQ(e->status(), Status::succeeded);
        EXPECT_EQ(e->result()["max_concurrent"], 1);
    }
}

TEST_F(Executions, ReentrantActionsRunInParallel) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<executions::Execution>> all;
    for (int i = 0; i < 4; ++i) all.push_back(host_->scheduler().submit({"core.sleep", {{"seconds", 0.2}}}));
    for (auto& e : all) e->wait();
    // Four workers: four 0.2 s sleeps overlap. (Loose bound; behaviour, not speed.)
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));
}

TEST_F(Executions, TimeoutThroughTheContext) {
    auto e = run("core.sleep", {{"seconds", 5}}, 0.1);
    EXPECT_EQ(e->status(), Status::timeout);
    EXPECT_EQ(e->result(), (json{{"error", "execution timed out"}}));
    EXPECT_EQ(statuses(*e), (std::vector<std::string>{"requested", "scheduled", "running", "timeout"}));
    EXPECT_LT(e->to_json()["elapsed_seconds"].get<double>(), 1.0);
}

TEST_F(Executions, AnActionIgnoringItsDeadlineIsClosedAfterTheGrace) {
    auto e = run("good.hang", {{"seconds", 1.5}}, 0.1);
    EXPECT_EQ(e->status(), Status::timeout);
    EXPECT_NE(e->result()["error"].get<std::string>().find("did not stop within 0.3 s"), std::string::npos)
        << e->result();
    // Let the hang finish so its worker returns before the suite ends.
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    EXPECT_EQ(e->status(), Status::timeout) << "a late result does not reopen a closed execution";
}

TEST_F(Executions, CancelARunningExecution) {
    auto e = host_->scheduler().submit({"core.sleep", {{"seconds", 5}}});
    while (e->status() != Status::running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_TRUE(host_->scheduler().cancel(e->id()));
    e->wait();
    EXPECT_EQ(e->status(), Status::canceled);
    EXPECT_EQ(statuses(*e), (std::vector<std::string>{"requested", "scheduled", "running", "canceling", "canceled"}));
    EXPECT_FALSE(host_->scheduler().cancel(e->id())) << "already finished";
    EXPECT_THROW(host_->scheduler().cancel("000000000000000000000000"), core::NotFound);
}

TEST_F(Executions, CancelAQueuedExecution) {
    // Fill the lane of the non-reentrant action, then cancel one still waiting.
    std::vector<std::shared_ptr<executions::Execution>> all;
    for (int i = 0; i < 5; ++i) all.push_back(host_->scheduler().submit({"good.serial"}));
    auto last = all.back();
    host_->scheduler().cancel(last->id());
    for (auto& e : all) e->wait();
    EXPECT_EQ(last->status(), Status::canceled);
    EXPECT_EQ(statuses(*last), (std::vector<std::string>{"requested", "scheduled", "canceled"})) << "never ran";
}

TEST_F(Executions, OutputProgressAndContext) {
    auto e = run("good.chatty");
    auto j = e->to_json();
    ASSERT_TRUE(j.contains("output"));
    std::string out;
    for (const auto& c : j["output"]) out += c["output_type"].get<std::string>() + ":" + c["data"].get<std::string>();
    EXPECT_EQ(out, "stdout:line 1\nstderr:a warning\nstdout:line 2\n");

    auto c = run("good.context", json::object(), 30);
    EXPECT_EQ(c->result()["execution_id"], c->id());
    EXPECT_EQ(c->result()["action_context"]["pack"], "good");
    EXPECT_EQ(c->result()["config"], (json{{"region", "us-east-1"}, {"retries", 3}})) << "schema defaults";
    EXPECT_EQ(c->result()["has_deadline"], true);
}

TEST_F(Executions, HostServices) {
    auto kv = run("good.kv");
    EXPECT_EQ(kv->result()["error"], "packhost: datastore get 'some_key' failed: not available in this host")
        << "a host without a store answers PH_ERR_UNAVAILABLE";
    size_t before = host_->triggers().size();
    auto emit = run("good.emit", {{"n", 7}});
    EXPECT_EQ(emit->result()["queued"], true);
    EXPECT_EQ(emit->result()["unknown_trigger_error"], "packhost: dispatch 'no_such_trigger' failed: not found");
    auto queued = host_->triggers().drain();
    ASSERT_EQ(queued.size(), before + 1);
    EXPECT_EQ(queued.back().trigger, "good.event");
    EXPECT_EQ(*queued.back().payload, (json{{"n", 7}}));
}

TEST(HostTriggers, AFullQueueKeepsTheNewestWhileNothingConsumesIt) {
    HostOptions o;
    o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
    o.trigger_queue_capacity = 2;
    Host host(o);
    for (int n = 1; n <= 3; ++n) {
        auto e = packhost::testing::run_and_wait(host, "good.emit", {{"n", n}});
        EXPECT_EQ(e->result()["queued"], true) << "never busy forever: " << e->result();
    }
    auto queued = host.triggers().drain();
    ASSERT_EQ(queued.size(), 2u);
    EXPECT_EQ((*queued[0].payload)["n"], 2);
    EXPECT_EQ(host.triggers().dropped(), 1u);
}

TEST_F(Executions, ManyConcurrentSubmitters) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                auto e = host_->scheduler().submit({"core.echo", {{"message", std::to_string(i)}}});
                e->wait();
                if (e->status() == Status::succeeded && e->result()["message"] == std::to_string(i)) ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 2000);
}

TEST_F(Executions, AQuickInProcessActionRunsOnTheWaitingCallersThread) {
    // Chat asks for it (inline_if_quick): once core.echo has shown itself
    // quick it runs on the caller's thread; core.sleep, slow, stays on a worker.
    auto ran_on = [&](const std::string& ref, json params) {
        executions::Request r;
        r.action = ref;
        r.parameters = std::move(params);
        r.inline_if_quick = true;
        auto where = std::make_shared<std::thread::id>();
        r.on_end = [where](const executions::Execution&) { *where = std::this_thread::get_id(); };
        auto e = host_->scheduler().submit(std::move(r));
        e->wait();
        EXPECT_EQ(e->status(), Status::succeeded);
        return *where;
    };
    for (int i = 0; i < 3; ++i) ran_on("core.echo", {{"message", "warm"}});
    EXPECT_EQ(ran_on("core.echo", {{"message", "here"}}), std::this_thread::get_id());
    ran_on("core.sleep", {{"seconds", 0.3}});
    EXPECT_NE(ran_on("core.sleep", {{"seconds", 0.01}}), std::this_thread::get_id());
}

namespace {

// A host with a store and an event stream, and what the stream said of
// core.echo, to see when an execution's records are saved.
class RecordedRuns : public ::testing::Test {
protected:
    RecordedRuns() : dir_("scheduler-records") {
        auto o = packhost::testing::fixture_host_options(dir_.path());
        o.events = &bus_;
        o.scheduler.inline_below = std::chrono::milliseconds(100);  // see Executions
        host_ = std::make_unique<Host>(o);
    }

    // Runs core.echo as chat does; `at_end` is what the stream had said of
    // it when on_end was called.
    std::shared_ptr<executions::Execution> echo(bool durable, std::vector<std::string>* at_end = nullptr) {
        executions::Request r;
        r.action = "core.echo";
        r.parameters = {{"message", "hi"}};
        r.inline_if_quick = true;
        r.durable = durable;
        r.on_end = [this, at_end](const executions::Execution&) {
            if (at_end) *at_end = said_.said();
        };
        auto e = host_->scheduler().submit(std::move(r));
        e->wait();
        return e;
    }

    packhost::testing::TempDir dir_;
    events::EventBus bus_;
    std::unique_ptr<Host> host_;
    packhost::testing::ExecutionEventLog said_{bus_, "core.echo"};
};

const std::vector<std::string> kEveryStatus = packhost::testing::ExecutionEventLog::every_status();

}  // namespace

TEST_F(RecordedRuns, AQuickRunOnTheCallersThreadIsRecordedAfterItsEndIsHandedOverStatusByStatus) {
    for (int i = 0; i < 3; ++i) echo(false);  // now known to be quick
    ASSERT_TRUE(said_.clear_after(3 * kEveryStatus.size(), 10s));
    std::vector<std::string> at_end{"not called"};
    auto e = echo(false, &at_end);
    ASSERT_EQ(e->status(), Status::succeeded);
    EXPECT_TRUE(at_end.empty()) << "nothing was saved before the caller had the end";
    // Then a worker saves every record, each status as the stream would
    // have shown it as it happened.
    EXPECT_TRUE(said_.wait_for(kEveryStatus, 10s)) << ::testing::PrintToString(said_.said());
    // The stream tells of a record just before it is queued for the store.
    std::optional<store::ExecutionRecord> r;
    for (int i = 0; i < 500 && !(r && r->status == Status::succeeded); ++i) {
        if (i > 0) std::this_thread::sleep_for(20ms);
        host_->store()->flush();
        r = host_->store()->execution(e->id());
    }
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, Status::succeeded);
    EXPECT_EQ(r->result["message"], "hi");
    std::vector<std::string> log;
    for (const auto& entry : r->log) log.push_back(entry["status"]);
    EXPECT_EQ(log, (std::vector<std::string>{"requested", "scheduled", "running", "succeeded"}));
    EXPECT_NE(r->end_us, 0);
}

// The records a worker is to save are saved even when the host stops before
// a worker took them: by the worker, or by the shutdown that stops the pool.
TEST_F(RecordedRuns, AQuickRunIsRecordedEvenWhenTheHostStopsRightAfterIt) {
    for (int i = 0; i < 3; ++i) echo(false);
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) ids.push_back(echo(false)->id());
    host_->scheduler().shutdown();
    host_->store()->flush();
    for (const auto& id : ids) {
        auto r = host_->store()->execution(id);
        ASSERT_TRUE(r) << id;
        EXPECT_EQ(r->status, Status::succeeded) << id;
    }
}

TEST_F(RecordedRuns, ADurableRunIsRecordedAsItGoesEvenOnTheCallersThread) {
    for (int i = 0; i < 3; ++i) echo(true);
    ASSERT_TRUE(said_.clear_after(3 * kEveryStatus.size(), 10s));
    std::vector<std::string> at_end;
    auto e = echo(true, &at_end);
    ASSERT_EQ(e->status(), Status::succeeded);
    EXPECT_EQ(at_end, kEveryStatus);
    EXPECT_EQ(said_.said(), kEveryStatus);
}

TEST_F(RecordedRuns, ARunOnAWorkerIsRecordedAsItGoes) {
    auto at_end = std::make_shared<std::promise<std::vector<std::string>>>();
    executions::Request r;
    r.action = "core.echo";
    r.parameters = {{"message", "hi"}};
    r.on_end = [this, at_end](const executions::Execution&) { at_end->set_value(said_.said()); };
    host_->scheduler().submit(std::move(r));
    EXPECT_EQ(at_end->get_future().get(), kEveryStatus);
}

// The SQLite store against a real file: round trips, batching, filters,
// output, orphans, purge, cross-process cancel requests, schema versions.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
// Named one by one: a using-directive would reach the files compiled after
// this one in a unity batch (datastore_test's fixture is called Datastore).
using packhost::store::ExecutionRecord;
using packhost::store::open_sqlite_store;
using packhost::store::owner_alive;
using packhost::store::this_process_owner;
using packhost::store::TriggerInstanceFilter;
using json = packhost::Json;

namespace {

class SqliteStore : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("packhost-store-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        file_ = (dir_ / "sub" / "packhost.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    static ExecutionRecord record(const std::string& id, const std::string& action, const std::string& status,
                                  int64_t start, int64_t end = 0, const std::string& owner = "") {
        ExecutionRecord r;
        r.id = id;
        r.action = action;
        r.runner_type = "native";
        r.status = *packhost::core::parse_status(status);
        r.parameters = {{"x", 1}};
        r.context = {{"user", "u"}};
        r.log = json::array({{{"status", "requested"}, {"timestamp", start}}});
        r.owner = owner;
        r.start_us = start;
        r.end_us = end;
        return r;
    }

    fs::path dir_;
    std::string file_;
};

}  // namespace

TEST_F(SqliteStore, RoundTripAndLastWriteWins) {
    auto s = open_sqlite_store(file_);
    auto r = record("a1", "core.echo", "scheduled", 100);
    s->save(r);
    r.status = packhost::core::Status::succeeded;
    r.result = {{"message", "hi"}};
    r.end_us = 200;
    r.sealed_secrets = "c2VhbGVk";
    s->save(r);
    s->flush();
    auto got = s->execution("a1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, packhost::core::Status::succeeded);
    EXPECT_EQ(got->result, (json{{"message", "hi"}}));
    EXPECT_EQ(got->parameters, (json{{"x", 1}}));
    EXPECT_EQ(got->sealed_secrets, "c2VhbGVk");
    EXPECT_EQ(got->end_us, 200);
    EXPECT_FALSE(s->execution("nope"));
}

TEST_F(SqliteStore, ListsNewestFirstWithFilters) {
    auto s = open_sqlite_store(file_);
    for (int i = 0; i < 10; ++i) {
        s->save(record("id" + std::to_string(i), i % 2 ? "core.echo" : "core.noop", i < 5 ? "succeeded" : "failed",
                       1000 + i, 2000 + i));
    }
    auto child = record("kid", "core.noop", "succeeded", 5000, 5001);
    child.parent = "id3";
    s->save(child);
    s->flush();
    auto all = s->executions({});
    ASSERT_EQ(all.size(), 11u);
    EXPECT_EQ(all.front().id, "kid");
    EXPECT_EQ(s->executions({std::string("core.echo"), std::nullopt, std::nullopt, 50}).size(), 5u);
    EXPECT_EQ(s->executions({std::nullopt, packhost::core::Status::failed, std::nullopt, 50}).size(), 5u);
    EXPECT_EQ(s->executions({std::nullopt, std::nullopt, std::nullopt, 3}).size(), 3u);
    auto kids = s->executions({std::nullopt, std::nullopt, std::string("id3"), 50});
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].id, "kid");
}

TEST_F(SqliteStore, OutputKeepsBytesAndOrder) {
    auto s = open_sqlite_store(file_);
    s->save(record("o1", "core.local", "running", 1));
    std::string binary("a\xff\xfe\0b", 5);  // invalid UTF-8 and a NUL survive
    s->append_output({"o1", 0, "stdout", "line 1\n", 10});
    s->append_output({"o1", 1, "stderr", binary, 11});
    s->append_output({"o1", 2, "stdout", "line 2\n", 12});
    s->flush();
    auto all = s->output("o1");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[1].stream, "stderr");
    EXPECT_EQ(all[1].data, binary);
    auto later = s->output("o1", 1);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].data, "line 2\n");
}

TEST_F(SqliteStore, AbandonsOnlyOrphans) {
    {
        auto s = open_sqlite_store(file_);
        s->save(record("dead", "core.sleep", "running", 1, 0, "1:1"));
        s->save(record("live", "core.sleep", "running", 2, 0, this_process_owner()));
        s->save(record("done", "core.noop", "succeeded", 3, 4, "1:1"));
        s->flush();
    }
    auto s = open_sqlite_store(file_);  // a "restart"
    auto ids = s->abandon_orphans(owner_alive, "gone");
    EXPECT_EQ(ids, std::vector<std::string>{"dead"});
    auto dead = s->execution("dead");
    EXPECT_EQ(dead->status, packhost::core::Status::abandoned);
    EXPECT_EQ(dead->result, (json{{"error", "gone"}}));
    EXPECT_NE(dead->end_us, 0);
    EXPECT_EQ(dead->log.back()["status"], "abandoned");
    EXPECT_EQ(s->execution("live")->status, packhost::core::Status::running);
    EXPECT_EQ(s->execution("done")->status, packhost::core::Status::succeeded);
}

TEST_F(SqliteStore, OwnerLiveness) {
    EXPECT_TRUE(owner_alive(this_process_owner()));
    EXPECT_FALSE(owner_alive("1:1"));  // pid 1 exists, but did not start at tick 1
    EXPECT_FALSE(owner_alive("999999999:5"));
    EXPECT_FALSE(owner_alive("garbage"));
}

TEST_F(SqliteStore, PurgesFinishedBefore) {
    auto s = open_sqlite_store(file_);
    s->save(record("old", "core.noop", "succeeded", 1, 10));
    s->save(record("new", "core.noop", "succeeded", 1, 1000));
    s->save(record("running", "core.noop", "running", 1, 0));
    s->append_output({"old", 0, "stdout", "x", 5});
    s->flush();
    EXPECT_EQ(s->purge(500), 1u);
    EXPECT_FALSE(s->execution("old"));
    EXPECT_TRUE(s->output("old").empty());
    EXPECT_TRUE(s->execution("new"));
    EXPECT_TRUE(s->execution("running"));
}

TEST_F(SqliteStore, ControlRequestsGoToTheOwnerInOrder) {
    auto s = open_sqlite_store(file_);
    s->save(record("mine", "core.sleep", "running", 1, 0, this_process_owner()));
    s->save(record("theirs", "core.sleep", "running", 1, 0, "42:42"));
    s->flush();
    auto other = open_sqlite_store(file_);  // another process's connection
    other->request_control({"mine", packhost::core::Control::pause});
    other->request_control({"theirs", packhost::core::Control::cancel});
    other->request_control({"mine", packhost::core::Control::resume});
    auto taken = s->take_control_requests(this_process_owner());
    ASSERT_EQ(taken.size(), 2u);
    EXPECT_EQ(taken[0].execution_id, "mine");
    EXPECT_EQ(taken[0].kind, packhost::core::Control::pause);
    EXPECT_EQ(taken[1].kind, packhost::core::Control::resume);
    EXPECT_TRUE(s->take_control_requests(this_process_owner()).empty()) << "taken once";
}

TEST_F(SqliteStore, ControlRequestsAreSeenAfterAnyCommitThatCouldMakeThem) {
    // The tables are read only after a commit: another process's (a new
    // request) or this one's (an execution it takes over).
    auto s = open_sqlite_store(file_);
    s->save(record("mine", "core.sleep", "running", 1, 0, this_process_owner()));
    s->save(record("orphan", "core.sleep", "running", 1, 0, "42:42"));
    s->flush();
    EXPECT_TRUE(s->take_control_requests(this_process_owner()).empty());
    EXPECT_TRUE(s->take_control_requests(this_process_owner()).empty());
    auto other = open_sqlite_store(file_);
    other->request_control({"mine", packhost::core::Control::cancel});
    other->request_control({"orphan", packhost::core::Control::cancel});
    auto taken = s->take_control_requests(this_process_owner());
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].execution_id, "mine");
    EXPECT_TRUE(s->take_control_requests(this_process_owner()).empty());
    s->save(record("orphan", "core.sleep", "running", 1, 0, this_process_owner()));  // continued here
    s->flush();
    taken = s->take_control_requests(this_process_owner());
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].execution_id, "orphan");
}

TEST_F(SqliteStore, WorkflowStatePartsReplaceAndPurgeWithTheExecution) {
    auto s = open_sqlite_store(file_);
    s->save(record("wf", "p.flow", "succeeded", 1, 100));
    s->save_workflow_state({"wf", -1, R"({"ctx":{"a":1}})"});
    s->save_workflow_state({"wf", 0, R"({"name":"t1","status":"running"})"});
    s->save_workflow_state({"wf", 0, R"({"name":"t1","status":"succeeded"})"});
    s->save_workflow_state({"wf", 1, R"({"name":"t2"})"});
    auto parts = s->workflow_state("wf");
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].seq, -1);
    EXPECT_EQ(parts[1].state, R"({"name":"t1","status":"succeeded"})") << "the later save replaced the earlier";
    EXPECT_EQ(parts[2].state, R"({"name":"t2"})");
    EXPECT_EQ(s->purge(500), 1u);
    EXPECT_TRUE(s->workflow_state("wf").empty());
}

TEST_F(SqliteStore, ClaimTakesAnUnfinishedExecutionOnce) {
    auto s = open_sqlite_store(file_);
    s->save(record("wf", "p.flow", "running", 1, 0, "42:42"));
    s->flush();
    EXPECT_TRUE(s->claim("wf", "42:42", this_process_owner()));
    EXPECT_FALSE(s->claim("wf", "42:42", "43:43")) << "already taken";
    EXPECT_EQ(s->execution("wf")->owner, this_process_owner());
    ASSERT_EQ(s->unfinished().size(), 1u);
}

TEST_F(SqliteStore, ManyWritersBatch) {
    auto s = open_sqlite_store(file_);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2500; ++i)
                s->save(record(std::to_string(t) + "-" + std::to_string(i), "a.b", "succeeded", i, i + 1));
        });
    }
    for (auto& th : threads) th.join();
    s->flush();
    EXPECT_EQ(s->executions({std::nullopt, std::nullopt, std::nullopt, 100000}).size(), 10000u);
}

TEST_F(SqliteStore, RefusesANewerSchema) {
    { open_sqlite_store(file_); }
    {
        SQLite::Database db(file_, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    try {
        open_sqlite_store(file_);
        FAIL() << "opened a store from the future";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99 is newer than this packhost understands"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(SqliteStore, ManyOpenAFreshFileAtOnce) {
    std::vector<std::thread> threads;
    std::atomic<int> opened{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            auto s = open_sqlite_store(file_);
            s->save(record("x" + std::to_string(opened++), "a.b", "succeeded", 1, 2));
            s->flush();
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(opened.load(), 8);
    EXPECT_EQ(open_sqlite_store(file_)->executions({}).size(), 8u);
}

// The WAL outlives the process (no checkpoint, sync and delete at every
// exit), but checkpoints keep it small, since the next process to open the
// file reads its live frames to rebuild the WAL index.
TEST_F(SqliteStore, TheWalStaysBetweenProcessesButSmall) {
    const std::string big(2000, 'x');
    {
        auto s = open_sqlite_store(file_);
        for (int i = 0; i < 2000; ++i) {
            auto r = record(std::string("w").append(std::to_string(i)), "a.b", "succeeded", i, i + 1);
            r.parameters = {{"text", big}};
            s->save(std::move(r));
            if (i % 10 == 9) s->flush();
        }
    }
    ASSERT_TRUE(fs::exists(file_ + "-wal"));
    EXPECT_GT(fs::file_size(file_), 4u << 20);  // the records went through the WAL into the file
    // At most the 128 frames (a 4096-byte page and a 24-byte header each) the
    // store leaves at its exit, after the WAL's own 32-byte header.
    EXPECT_LE(fs::file_size(file_ + "-wal"), 32u + 128u * (4096u + 24u));
    EXPECT_EQ(open_sqlite_store(file_)->executions({std::nullopt, std::nullopt, std::nullopt, 5000}).size(), 2000u);
}

TEST_F(SqliteStore, TriggerInstancesAreKeptListedAndPurged) {
    auto s = open_sqlite_store(file_);
    s->save_trigger_instance(
        {"t1", "core.st2.webhook", packhost::share({{"url", "a"}}), 100, "pending", {{"url", "a"}}, ""});
    s->save_trigger_instance(
        {"t2", "pack.other", packhost::share({{"n", 2}}), 200, "rejected", packhost::Json::object(), "n: too small"});
    s->save_trigger_instance(
        {"t3", "core.st2.webhook", packhost::share({{"url", "b"}}), 300, "pending", {{"url", "b"}}, ""});
    s->save_trigger_instance(
        {"t1", "core.st2.webhook", packhost::share({{"url", "a"}}), 100, "processed", {{"url", "a"}}, ""});  // replaces
    s->flush();
    auto t1 = s->trigger_instance("t1");
    ASSERT_TRUE(t1);
    EXPECT_EQ(t1->status, "processed");
    EXPECT_EQ((*t1->payload)["url"], "a");
    EXPECT_EQ(t1->occurrence_us, 100);
    EXPECT_EQ(t1->parameters, packhost::Json({{"url", "a"}}));
    EXPECT_FALSE(s->trigger_instance("nope"));
    TriggerInstanceFilter rejected;
    rejected.status = "rejected";
    auto bad = s->trigger_instances(rejected);
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_EQ(bad[0].id, "t2");
    EXPECT_EQ(bad[0].reason, "n: too small");

    TriggerInstanceFilter webhooks;
    webhooks.trigger = "core.st2.webhook";
    auto listed = s->trigger_instances(webhooks);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].id, "t3");  // newest first
    TriggerInstanceFilter one;
    one.limit = 1;
    EXPECT_EQ(s->trigger_instances(one).size(), 1u);

    // Retention takes instances older than the cut, as it takes executions.
    s->purge(250);
    EXPECT_EQ(s->trigger_instances({}).size(), 1u);
    EXPECT_TRUE(s->trigger_instance("t3"));
}

TEST_F(SqliteStore, StoredRulesAndSwitchesBumpTheConfigGeneration) {
    auto s = open_sqlite_store(file_);
    EXPECT_EQ(s->config_generation(), 0);
    s->rule_put({"ops.a", {{"name", "a"}, {"pack", "ops"}}, 10, 10});
    s->rule_put({"ops.b", {{"name", "b"}, {"pack", "ops"}}, 20, 20});
    s->rule_put({"ops.a", {{"name", "a"}, {"pack", "ops"}, {"enabled", false}}, 30, 30});  // replaces, keeps created
    auto a = s->stored_rule("ops.a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->document["enabled"], false);
    EXPECT_EQ(a->created_us, 10);
    EXPECT_EQ(a->updated_us, 30);
    ASSERT_EQ(s->stored_rules().size(), 2u);
    EXPECT_EQ(s->stored_rules()[1].ref, "ops.b");
    s->set_switch("sensor", "pack.watch", false);
    s->set_switch("rule", "ops.b", false);
    EXPECT_EQ(s->switches("sensor"), (std::map<std::string, bool>{{"pack.watch", false}}));
    EXPECT_TRUE(s->rule_delete("ops.b"));
    EXPECT_FALSE(s->rule_delete("ops.b"));
    EXPECT_TRUE(s->switches("rule").empty());  // a deleted rule's switch goes with it
    EXPECT_EQ(s->config_generation(), 7);
    // Another process sees the same (the CLI writes, packhost serve polls).
    EXPECT_EQ(open_sqlite_store(file_)->config_generation(), 7);
}

TEST_F(SqliteStore, WhenDurableCallsBackOnceEachTicketIsOnDiskInTicketOrder) {
    auto s = open_sqlite_store(file_);
    std::mutex mu;
    std::vector<uint64_t> told;
    std::vector<uint64_t> tickets;
    for (int i = 0; i < 50; ++i) {
        auto t = s->save(record(std::string("d").append(std::to_string(i)), "core.echo", "scheduled", 100 + i));
        tickets.push_back(t);
        s->when_durable(t, [&, t](std::exception_ptr e) {
            EXPECT_FALSE(e);
            // On disk by now: a reader sees it.
            std::lock_guard lock(mu);
            told.push_back(t);
        });
    }
    s->flush();
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard lock(mu);
            if (told.size() == tickets.size()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu);
    EXPECT_EQ(told, tickets);
    EXPECT_TRUE(s->execution("d49"));
}

TEST_F(SqliteStore, AKeyDeletedHereIsForgottenAtOnceAndElsewhereWithinASecond) {
    // serve looks a key up on every request and remembers the ones it found
    // for a second; a deletion through the same store clears that at once.
    auto s = open_sqlite_store(file_);
    auto other = open_sqlite_store(file_);  // another process's connection (packhost apikey delete)
    s->api_key_add({"k1", "ci", "tester", "hash-1", 1});
    s->api_key_add({"k2", "ops", "tester", "hash-2", 2});
    ASSERT_TRUE(s->api_key_by_hash("hash-1"));
    ASSERT_TRUE(s->api_key_by_hash("hash-2"));
    EXPECT_FALSE(s->api_key_by_hash("hash-3"));

    ASSERT_TRUE(s->api_key_delete("ci"));
    EXPECT_FALSE(s->api_key_by_hash("hash-1"));

    ASSERT_TRUE(s->api_key_by_hash("hash-2"));  // remembered again
    ASSERT_TRUE(other->api_key_delete("ops"));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (s->api_key_by_hash("hash-2") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(s->api_key_by_hash("hash-2"));
    EXPECT_LT(std::chrono::steady_clock::now(), deadline - std::chrono::milliseconds(1500));

    // A key made elsewhere is found at its first use.
    other->api_key_add({"k4", "new", "tester", "hash-4", 4});
    EXPECT_EQ(s->api_key_by_hash("hash-4")->name, "new");
}

// `packhost serve` as ops teams run it: a real process on 127.0.0.1, a key
// made with `packhost apikey create`, the REST API called while it runs,
// SIGTERM to stop it (exit 0), and the history still there afterwards.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli/cli_support.hpp"
#include "support/free_port.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using packhost::testing::free_port;
using packhost::testing::packhost_argv;
using packhost::testing::run_process;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {}  // namespace

TEST(Serve, AnswersTheApiWithAKeyMadeByTheCliAndStopsCleanly) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};

    auto made = run_process(packhost_argv({"apikey", "create", "--name", "ci"}), env);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    std::string key = made.out.substr(0, made.out.find('\n'));
    ASSERT_EQ(key.size(), 64u) << made.out;
    auto listed = run_process(packhost_argv({"apikey", "list", "--json"}), env);
    ASSERT_EQ(listed.exit_code, 0);
    auto keys = json::parse(listed.out);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0]["name"], "ci");
    EXPECT_EQ(keys[0]["user"], "tester");
    EXPECT_EQ(listed.out.find(key), std::string::npos) << "the key itself is never shown again";

    uint16_t port = free_port();
    int health = 0, created = 0;
    std::string id, user;
    std::atomic<bool> client_done{false};
    std::thread client([&] {
        struct Done {
            std::atomic<bool>& flag;
            ~Done() { flag = true; }
        } done{client_done};
        httplib::Client c("127.0.0.1", port);
        for (int i = 0; i < 200 && health != 200; ++i) {
            if (auto r = c.Get("/api/v1/health")) health = r->status;
            if (health != 200) std::this_thread::sleep_for(20ms);
        }
        auto r = c.Post("/api/v1/executions", {{"St2-Api-Key", key}}, R"({"action": "core.noop"})", "application/json");
        if (!r) return;
        created = r->status;
        auto e = json::parse(r->body, nullptr, false);
        if (e.is_object() && e.contains("id")) {
            id = e["id"];
            user = e["context"]["user"];
        }
    });
    auto serve = packhost::testing::run_process_signal_when(
        packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(port)}), env, SIGTERM,
        [&](const auto&) { return client_done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_NE(serve.out.find("packhost serving on http://127.0.0.1:" + std::to_string(port)), std::string::npos)
        << serve.out;
    EXPECT_NE(serve.out.find("packhost stopped"), std::string::npos) << serve.out;
    EXPECT_EQ(health, 200);
    EXPECT_EQ(created, 201);
    EXPECT_EQ(user, "tester");
    ASSERT_FALSE(id.empty());

    // What the service ran is in the history the CLI reads.
    auto got = run_process(packhost_argv({"execution", "get", id, "--json"}), env);
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(json::parse(got.out)["status"], "succeeded");

    EXPECT_EQ(run_process(packhost_argv({"apikey", "delete", "ci"}), env).exit_code, 0);
    auto again = run_process(packhost_argv({"apikey", "delete", "ci"}), env);
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("no API key has the id or name 'ci'"), std::string::npos) << again.err;
}

TEST(Serve, RefusesToRunWithoutAuthOnANetworkAddress) {
    packhost::testing::TempDir home("packhost-serve");
    auto r = run_process(packhost_argv({"serve", "--bind", "0.0.0.0:0", "--no-auth"}),
                         {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", home.path().string()}});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--no-auth is only allowed on a loopback address"), std::string::npos) << r.err;
}

TEST(Serve, APortInUseIsAClearErrorNotAHang) {
    packhost::testing::TempDir home("packhost-serve");
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    std::string bind = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    auto r = run_process(packhost_argv({"serve", "--bind", bind}),
                         {{"PACKHOST_PACKS_PATH", ""}, {"PACKHOST_HOME", home.path().string()}}, "", SIGTERM, 2000);
    ::close(fd);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot listen on " + bind), std::string::npos) << r.err;
}

TEST(Serve, TheCliTalksToARemoteServeWithUrlAndApiKey) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    auto made = run_process(packhost_argv({"apikey", "create", "--name", "remote"}), env);
    std::string key = made.out.substr(0, made.out.find('\n'));
    uint16_t port = free_port();
    std::string url = "http://127.0.0.1:" + std::to_string(port);

    // The client side runs without the server's home: nothing is read locally.
    packhost::testing::TempDir elsewhere("packhost-remote-client");
    std::map<std::string, std::string> client_env{
        {"PACKHOST_HOME", elsewhere.path().string()}, {"PACKHOST_URL", url}, {"PACKHOST_API_KEY", key}};
    std::atomic<bool> done{false};
    packhost::testing::ProcessResult run, run_json, list, get, bad, failing, actions, packs, no_key;
    packhost::testing::ProcessResult key_set, key_get, key_missing, key_del, rerun, cancel, tail;
    packhost::testing::ProcessResult show, show_missing, paused, resumed;
    std::string flow_id;
    std::thread client([&] {
        for (int i = 0; i < 300; ++i) {
            httplib::Client c("127.0.0.1", port);
            if (auto r = c.Get("/api/v1/health"); r && r->status == 200) break;
            std::this_thread::sleep_for(20ms);
        }
        run = run_process({PACKHOST_BIN, "run", "core.echo", "message=over http"}, client_env);
        run_json = run_process({PACKHOST_BIN, "run", "core.local", "cmd=echo remote", "--json"}, client_env);
        list = run_process({PACKHOST_BIN, "execution", "list", "--json"}, client_env);
        std::string id = json::parse(run_json.out, nullptr, false).value("id", "");
        get = run_process({PACKHOST_BIN, "execution", "get", id, "--json"}, client_env);
        bad = run_process({PACKHOST_BIN, "run", "core.nope"}, client_env);
        failing = run_process({PACKHOST_BIN, "run", "core.local", "cmd=exit 3"}, client_env);
        actions = run_process({PACKHOST_BIN, "action", "list", "--pack", "core"}, client_env);
        packs = run_process({PACKHOST_BIN, "pack", "list"}, client_env);
        show = run_process({PACKHOST_BIN, "action", "show", "core.local"}, client_env);
        show_missing = run_process({PACKHOST_BIN, "action", "show", "core.nope"}, client_env);
        no_key = run_process({PACKHOST_BIN, "--url", url, "execution", "list"},
                             {{"PACKHOST_HOME", elsewhere.path().string()}});
        key_set = run_process({PACKHOST_BIN, "key", "set", "region", "eu-west", "--json"}, client_env);
        key_get = run_process({PACKHOST_BIN, "key", "get", "region"}, client_env);
        key_del = run_process({PACKHOST_BIN, "key", "delete", "region"}, client_env);
        key_missing = run_process({PACKHOST_BIN, "key", "get", "region"}, client_env);
        rerun = run_process({PACKHOST_BIN, "execution", "re-run", id, "cmd=echo again", "--json"}, client_env);
        httplib::Client c("127.0.0.1", port);
        httplib::Headers h{{"St2-Api-Key", key}};
        auto sleeper = c.Post("/api/v1/executions", h, R"({"action": "core.sleep", "parameters": {"seconds": 60}})",
                              "application/json");
        std::string sleeper_id = sleeper ? json::parse(sleeper->body).value("id", "") : "";
        cancel = run_process({PACKHOST_BIN, "execution", "cancel", sleeper_id}, client_env);
        auto talker = c.Post("/api/v1/executions", h,
                             R"({"action": "core.local", "parameters": {"cmd": "echo one; sleep 0.5; echo two"}})",
                             "application/json");
        std::string talker_id = talker ? json::parse(talker->body).value("id", "") : "";
        tail = run_process({PACKHOST_BIN, "execution", "tail", talker_id}, client_env);
        auto flow = c.Post("/api/v1/executions", h, R"({"action": "flows.pausable", "parameters": {"seconds": 1}})",
                           "application/json");
        flow_id = flow ? json::parse(flow->body).value("id", "") : "";
        for (int i = 0; i < 250; ++i) {
            auto r = c.Get("/api/v1/executions/" + flow_id, h);
            if (r && json::parse(r->body).value("status", "") == "running") break;
            std::this_thread::sleep_for(20ms);
        }
        paused = run_process({PACKHOST_BIN, "execution", "pause", flow_id}, client_env);
        resumed = run_process({PACKHOST_BIN, "execution", "resume", flow_id}, client_env);
        done = true;
    });
    auto serve = packhost::testing::run_process_signal_when(
        packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(port)}), env, SIGTERM,
        [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;

    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("message: over http"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("status: succeeded"), std::string::npos) << run.out;
    ASSERT_EQ(run_json.exit_code, 0) << run_json.err;
    auto record = json::parse(run_json.out);
    EXPECT_EQ(record["result"]["stdout"], "remote");
    EXPECT_EQ(record["context"]["user"], "tester");
    EXPECT_EQ(json::parse(list.out).size(), 2u) << list.out;
    EXPECT_EQ(json::parse(get.out)["id"], record["id"]);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("action 'core.nope' is not registered"), std::string::npos) << bad.err;
    EXPECT_EQ(failing.exit_code, 1);
    EXPECT_NE(actions.out.find("core.echo"), std::string::npos) << actions.out;
    EXPECT_NE(packs.out.find("core"), std::string::npos) << packs.out;
    auto local_show = run_process(packhost_argv({"action", "show", "core.local"}), env);
    EXPECT_EQ(show.exit_code, 0) << show.err;
    EXPECT_EQ(show.out, local_show.out) << "the same text over HTTP as from the local packs";
    EXPECT_NE(show.out.find("cmd"), std::string::npos) << show.out;
    EXPECT_EQ(show_missing.exit_code, 2);
    EXPECT_EQ(no_key.exit_code, 2);
    EXPECT_NE(no_key.err.find("Unauthorized"), std::string::npos) << no_key.err;
    EXPECT_EQ(key_set.exit_code, 0) << key_set.err;
    EXPECT_EQ(json::parse(key_set.out, nullptr, false).value("value", ""), "eu-west") << key_set.out;
    EXPECT_NE(key_get.out.find("eu-west"), std::string::npos) << key_get.out << key_get.err;
    EXPECT_EQ(key_del.out, "deleted region\n");
    EXPECT_EQ(key_missing.exit_code, 2);
    EXPECT_EQ(key_missing.err, "error: key 'region' does not exist in the system scope\n");
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(json::parse(rerun.out, nullptr, false)["result"].value("stdout", ""), "again") << rerun.out;
    EXPECT_EQ(cancel.exit_code, 0) << cancel.out << cancel.err;
    EXPECT_NE(cancel.out.find(": canceled"), std::string::npos) << cancel.out;
    EXPECT_EQ(tail.exit_code, 0) << tail.err;
    EXPECT_EQ(tail.out, "one\ntwo\n");
    EXPECT_EQ(paused.exit_code, 0) << paused.out << paused.err;
    EXPECT_EQ(paused.out, "execution " + flow_id + ": paused\n");
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_TRUE(resumed.out == "execution " + flow_id + ": running\n" ||
                resumed.out == "execution " + flow_id + ": succeeded\n")
        << resumed.out;
    // Nothing was written where the client ran.
    EXPECT_FALSE(std::filesystem::exists(elsewhere.path() / "packhost.db"));
}

TEST(Serve, AWebhookFiresAPacksRuleWhichRunsItsActionWithTheBody) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    auto made = run_process(packhost_argv({"apikey", "create"}), env);
    std::string key = made.out.substr(0, made.out.find('\n'));
    uint16_t port = free_port();
    std::atomic<bool> done{false};
    std::string stdout_of_run, rule_of_run;
    int posted = 0, ignored = 0;
    std::thread client([&] {
        httplib::Client c("127.0.0.1", port);
        httplib::Headers h{{"St2-Api-Key", key}};
        for (int i = 0; i < 300; ++i) {
            if (auto r = c.Get("/api/v1/health"); r && r->status == 200) break;
            std::this_thread::sleep_for(20ms);
        }
        // flows/rules/echo_webhook.yaml: the "echo" webhook with a message.
        if (auto r = c.Post("/api/v1/webhooks/echo", h, R"({"message": "hi there"})", "application/json")) {
            posted = r->status;
        }
        if (auto r = c.Post("/api/v1/webhooks/other", h, R"({"message": "not for the rule"})", "application/json")) {
            ignored = r->status;
        }
        for (int i = 0; i < 300 && stdout_of_run.empty(); ++i) {
            std::this_thread::sleep_for(20ms);
            auto r = c.Get("/api/v1/executions?action=core.local", h);
            if (!r) continue;
            for (const auto& e : json::parse(r->body, nullptr, false)) {
                if (e.value("status", "") != "succeeded") continue;
                stdout_of_run = e["result"].value("stdout", "");
                rule_of_run = e["context"]["rule"].value("ref", "");
            }
        }
        done = true;
    });
    auto serve = packhost::testing::run_process_signal_when(
        packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(port)}), env, SIGTERM,
        [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_NE(serve.out.find(" rule(s)"), std::string::npos) << serve.out;
    EXPECT_EQ(posted, 202);
    EXPECT_EQ(ignored, 202);
    EXPECT_EQ(stdout_of_run, "got hi there");
    EXPECT_EQ(rule_of_run, "flows.echo_webhook");
    auto listed = run_process(packhost_argv({"execution", "list", "--action", "core.local", "--json"}), env);
    EXPECT_EQ(json::parse(listed.out, nullptr, false).size(), 1u) << "the other webhook ran nothing: " << listed.out;
    auto enforced = run_process(packhost_argv({"rule-enforcement", "list", "--json"}), env);
    auto records = json::parse(enforced.out, nullptr, false);
    ASSERT_EQ(records.size(), 1u) << enforced.out << enforced.err;
    EXPECT_EQ(records[0]["rule"]["ref"], "flows.echo_webhook");
    EXPECT_EQ(records[0]["status"], "succeeded");
    auto one = run_process(packhost_argv({"rule-enforcement", "get", records[0]["id"]}), env);
    EXPECT_EQ(json::parse(one.out, nullptr, false)["execution_id"], records[0]["execution_id"]);
}

TEST(Serve, RulesCreatedWhileItRunsActOnATimerASensorAndTheActionTriggerOfAFailedExecution) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    std::string rule_file = (home.path() / "on_failure.yaml").string();
    std::ofstream(rule_file) << R"(---
name: on_failure
pack: ops
trigger: {type: core.st2.generic.actiontrigger}
criteria:
  trigger.status: {type: equals, pattern: failed}
action:
  ref: core.echo
  parameters: {message: "{{ trigger.action_ref }} failed with {{ trigger.result.return_code }}"}
)";
    std::string timer_file = (home.path() / "tick.yaml").string();
    std::ofstream(timer_file) << R"(---
name: tick
pack: ops
trigger: {type: core.st2.IntervalTimer, parameters: {unit: seconds, delta: 1}}
action: {ref: core.echo, parameters: {message: "tick at {{ trigger.executed_at }}"}}
)";
    // fixtures/sensors: the ticker sensor polls every second in serve.
    std::string sensor_file = (home.path() / "counted.yaml").string();
    std::ofstream(sensor_file) << R"(---
name: counted
pack: ops
trigger: {type: sensors.tick}
criteria: {trigger.n: {type: gt, pattern: 0}}
action: {ref: core.echo, parameters: {message: "counted {{ trigger.n }}"}}
)";
    uint16_t port = free_port();
    std::atomic<bool> done{false};
    std::string created_out, message, failed_id, source_instance, tick, counted;
    std::thread client([&] {
        httplib::Client c("127.0.0.1", port);
        for (int i = 0; i < 300; ++i) {
            if (auto r = c.Get("/api/v1/health"); r && r->status == 200) break;
            std::this_thread::sleep_for(20ms);
        }
        // Made by another process while serve runs: read within a second.
        created_out = run_process(packhost_argv({"rule", "create", rule_file}), env).out;
        created_out += run_process(packhost_argv({"rule", "create", timer_file}), env).out;
        created_out += run_process(packhost_argv({"rule", "create", sensor_file}), env).out;
        std::this_thread::sleep_for(1500ms);
        if (auto r = c.Post("/api/v1/executions", R"({"action": "core.local", "parameters": {"cmd": "exit 4"}})",
                            "application/json")) {
            failed_id = json::parse(r->body, nullptr, false).value("id", "");
        }
        for (int i = 0; i < 300 && (message.empty() || tick.empty() || counted.empty()); ++i) {
            std::this_thread::sleep_for(20ms);
            auto r = c.Get("/api/v1/executions?action=core.echo");
            if (!r) continue;
            for (const auto& e : json::parse(r->body, nullptr, false)) {
                if (e.value("status", "") != "succeeded") continue;
                std::string rule = e["context"]["rule"].value("ref", "");
                if (rule == "ops.tick") tick = e["result"].value("message", "");
                if (rule == "ops.counted") counted = e["result"].value("message", "");
                if (rule != "ops.on_failure") continue;
                message = e["result"].value("message", "");
                source_instance = e["context"]["trigger_instance"].value("id", "");
            }
        }
        done = true;
    });
    auto serve = packhost::testing::run_process_signal_when(
        packhost_argv({"serve", "--no-auth", "--bind", "127.0.0.1:" + std::to_string(port)}), env, SIGTERM,
        [&](const auto&) { return done.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_NE(created_out.find("ops.on_failure"), std::string::npos) << created_out;
    EXPECT_NE(created_out.find("ops.tick"), std::string::npos) << created_out;
    EXPECT_TRUE(tick.starts_with("tick at 20") && tick.ends_with("+00:00")) << tick;
    EXPECT_TRUE(counted.starts_with("counted ")) << counted;
    EXPECT_NE(serve.out.find(" sensor(s)"), std::string::npos) << serve.out;
    ASSERT_FALSE(failed_id.empty());
    EXPECT_EQ(message, "core.local failed with 4") << serve.err;
    auto instance =
        json::parse(run_process(packhost_argv({"trigger-instance", "get", source_instance}), env).out, nullptr, false);
    EXPECT_EQ(instance["trigger"], "core.st2.generic.actiontrigger");
    EXPECT_EQ(instance["payload"]["execution_id"], failed_id);
    EXPECT_EQ(instance["status"], "processed");
    // The echoes' own successes fired some too, which the rule's criteria let pass.
    auto enforced = json::parse(
        run_process(packhost_argv({"rule-enforcement", "list", "--rule", "ops.on_failure", "--json"}), env).out);
    EXPECT_EQ(enforced.size(), 1u) << enforced.dump();
}

TEST(Serve, WhatDoesNotFinishWithinTheDrainIsRecordedAbandoned) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{
        {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    uint16_t port = free_port();
    std::atomic<bool> started{false};
    std::thread client([&] {
        httplib::Client c("127.0.0.1", port);
        for (int i = 0; i < 300; ++i) {
            if (auto r = c.Post("/api/v1/executions", R"({"action": "core.sleep", "parameters": {"seconds": 60}})",
                                "application/json");
                r && r->status == 201) {
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
        started = true;
    });
    auto serve = packhost::testing::run_process_signal_when(
        packhost_argv({"serve", "--bind", "127.0.0.1:" + std::to_string(port), "--no-auth", "--drain-seconds", "1"}),
        env, SIGTERM, [&](const auto&) { return started.load(); });
    client.join();
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_NE(serve.out.find("1 execution(s) abandoned"), std::string::npos) << serve.out;

    auto list = run_process(packhost_argv({"execution", "list", "--json"}), env);
    auto records = json::parse(list.out);
    ASSERT_EQ(records.size(), 1u) << list.out;
    EXPECT_EQ(records[0]["status"], "abandoned");
    EXPECT_EQ(records[0]["result"]["error"], "packhost serve stopped before the execution finished (it waited 1 s)");
}

namespace {

// Times the threads of `pid` gave up the CPU to wait, all told.
long voluntary_switches(long pid) {
    long total = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream status(task.path() / "status");
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0) total += std::stol(line.substr(24));
        }
    }
    return total;
}

}  // namespace

// A serve with nothing to do sleeps: the stop signal arrives on an eventfd and
// the rules dispatcher waits for a trigger instance or its once-a-second
// reload check, instead of both waking ten times a second to look at a flag
// (56 wake-ups in 2 s before, 16 after: the store's control-request look five
// times a second, the dispatcher's and a sensor's once a second).
TEST(Serve, AnIdleServeSleeps) {
    packhost::testing::TempDir home("packhost-serve");
    std::map<std::string, std::string> env{{"USER", "tester"}, {"PACKHOST_HOME", home.path().string()}};
    uint16_t port = free_port();
    long pid = 0, before = -1, after = -1;
    std::chrono::steady_clock::time_point ready;
    auto serve = packhost::testing::run_process_signal_when(
        // The bundled packs only: the test fixtures have sensors that poll fast on purpose.
        {PACKHOST_BIN, "--packs-path", BUNDLED_PACKS_DIR, "serve", "--bind", "127.0.0.1:" + std::to_string(port),
         "--no-auth"},
        env, SIGTERM, [&](const packhost::testing::ProcessResult& so_far) {
            auto now = std::chrono::steady_clock::now();
            if (pid == 0) {
                auto at = so_far.out.find("(pid ");
                if (at == std::string::npos) return false;
                pid = std::stol(so_far.out.substr(at + 5));
                ready = now;
            } else if (before < 0 && now - ready > 1s) {
                before = voluntary_switches(pid);
            } else if (before >= 0 && now - ready > 3s) {
                after = voluntary_switches(pid);
                return true;
            }
            return false;
        });
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    ASSERT_GE(after, 0) << serve.out;
    EXPECT_LT(after - before, 30) << "wake-ups of an idle serve in 2 s";
}

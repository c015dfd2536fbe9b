// The packhost command end to end: the built binary, real processes.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <packhost/abi.h>

#include "cli/cli_support.hpp"
#include "support/process.hpp"

using packhost::testing::contains;
using packhost::testing::packhost_cmd;
using packhost::testing::ProcessResult;
using packhost::testing::run_process;
using packhost::testing::run_process_signal_when;
using packhost::testing::test_home;
using json = nlohmann::json;

namespace {

// The fixture path holds broken packs, whose refusals are logged first.
bool ends_with(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST(Cli, FindsTheBundledPacksByDefault) {
    auto r = packhost_cmd({"pack", "list"}, /*fixtures=*/false);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "core")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Cli, PackListShowsRefusedPacksWithReasons) {
    auto r = packhost_cmd({"pack", "list"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "Refused packs:"));
    EXPECT_TRUE(contains(r.out, "bad_semver/pack.yaml: version \"1.0\" is not semver")) << r.out;
    EXPECT_TRUE(contains(r.err, "pack refused:")) << "refusals are logged as warnings";

    auto j = packhost_cmd({"pack", "list", "--json"});
    auto doc = json::parse(j.out);
    EXPECT_EQ(doc["loaded"].size(), 11u);  // the fixtures and the bundled core, chatops and openstack
    EXPECT_EQ(doc["refused"].size(), 15u);
    EXPECT_TRUE(doc["refused"][0].contains("reason"));
}

TEST(Cli, PackShow) {
    auto r = packhost_cmd({"pack", "show", "good", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["ref"], "good");
    EXPECT_EQ(doc["native"]["abi"], PH_ABI_VERSION);
    EXPECT_EQ(doc["trigger_types"][0]["ref"], "good.event");
    EXPECT_EQ(packhost_cmd({"pack", "show", "good"}).exit_code, 0);

    auto refused = packhost_cmd({"pack", "show", "bad_semver"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "pack 'bad_semver' was refused:")) << refused.err;
    auto missing = packhost_cmd({"pack", "show", "nope"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(contains(missing.err, "pack 'nope' is not installed"));
}

TEST(Cli, ActionListAndShow) {
    auto list = packhost_cmd({"action", "list", "--pack", "core"});
    EXPECT_EQ(list.exit_code, 0);
    for (const char* a : {"core.echo", "core.noop", "core.error", "core.uuid", "core.sleep"}) {
        EXPECT_TRUE(contains(list.out, a)) << a;
    }
    EXPECT_FALSE(contains(list.out, "good.hello"));

    auto show = packhost_cmd({"action", "show", "good.secret_echo"});
    EXPECT_EQ(show.exit_code, 0);
    EXPECT_TRUE(contains(show.out, "NAME   TYPE    REQUIRED  DEFAULT  DESCRIPTION")) << show.out;
    EXPECT_TRUE(contains(show.out, "user   string  no        \"alice\"")) << show.out;
    EXPECT_TRUE(contains(show.out, "token  string  yes                (secret)")) << show.out;

    auto j = json::parse(packhost_cmd({"action", "show", "core.uuid", "--json"}).out);
    EXPECT_EQ(j["parameters"]["uuid_type"]["default"], "uuid4");
    EXPECT_EQ(packhost_cmd({"action", "show", "core.nope"}).exit_code, 2);
}

TEST(Cli, RunPrintsTheRecordAsJson) {
    auto r = packhost_cmd({"run", "core.echo", "message=hello world", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["action"]["ref"], "core.echo");
    EXPECT_EQ(doc["status"], "succeeded");
    EXPECT_EQ(doc["parameters"]["message"], "hello world");
    EXPECT_EQ(doc["result"]["message"], "hello world");
    for (const char* k : {"id", "start_timestamp", "end_timestamp", "elapsed_seconds", "log"}) {
        EXPECT_TRUE(doc.contains(k)) << k;
    }
    EXPECT_EQ(doc["log"].size(), 4u);

    auto human = packhost_cmd({"run", "core.echo", "message=hi"});
    EXPECT_EQ(human.exit_code, 0);
    EXPECT_TRUE(contains(human.out, "status: succeeded"));
    EXPECT_TRUE(contains(human.out, "result:\n  message: hi"));
}

TEST(Cli, ExitStatuses) {
    EXPECT_EQ(packhost_cmd({"run", "core.error", "message=boom"}).exit_code, 1);
    auto t = packhost_cmd({"run", "core.sleep", "seconds=5", "--timeout", "0.2", "--json"});
    EXPECT_EQ(t.exit_code, 1);
    EXPECT_EQ(json::parse(t.out)["status"], "timeout");

    auto unknown = packhost_cmd({"run", "core.nope"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_PRED2(ends_with, unknown.err, "error: action 'core.nope' is not registered (see 'packhost action list')\n");
    auto missing = packhost_cmd({"run", "core.echo"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_PRED2(ends_with, missing.err, "error: parameter 'message' is required\n");
    auto bad = packhost_cmd({"run", "good.types", "count=abc", "nokey"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_PRED2(ends_with, bad.err,
                 "error: parameter 'count': cannot convert \"abc\" to an integer\n"
                 "error: argument 'nokey' must be written key=value\n");
    auto range = packhost_cmd({"run", "core.sleep", "seconds=-1"});
    EXPECT_EQ(range.exit_code, 2);
    EXPECT_PRED2(ends_with, range.err, "error: parameter 'seconds' must be >= 0, got -1\n");
    auto immutable = packhost_cmd({"run", "good.types", "pinned=other"});
    EXPECT_EQ(immutable.exit_code, 2);
    EXPECT_PRED2(ends_with, immutable.err, "error: parameter 'pinned' is immutable and cannot be overridden\n");
    EXPECT_EQ(packhost_cmd({"frobnicate"}).exit_code, 2);
    EXPECT_EQ(packhost_cmd({"run"}).exit_code, 2);
    EXPECT_EQ(packhost_cmd({"run", "core.echo", "message=x", "--timeout", "-1"}).exit_code, 2);
}

TEST(Cli, ConvertsValuesByDeclaredType) {
    auto r = packhost_cmd(
        {"run", "good.types", "count=5", "ratio=0.25", "flag=yes", "tags=a,b", R"(opts={"k": [1]})", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto result = json::parse(r.out)["result"];
    EXPECT_EQ(result["count"], 5);
    EXPECT_EQ(result["ratio"], 0.25);
    EXPECT_EQ(result["flag"], true);
    EXPECT_EQ(result["tags"], json({"a", "b"}));
    EXPECT_EQ(result["opts"], (json{{"k", {1}}}));
    EXPECT_EQ(result["pinned"], "fixed");
}

TEST(Cli, RendersTemplatedParameters) {
    auto r = packhost_cmd({"run", "good.templated", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["result"],
              (json{{"who", "tester"}, {"greeting", "hello tester"}, {"count", 5}, {"doubled", 10}}));
    auto given =
        packhost_cmd({"run", "good.templated", "count={{ 20 // 2 }}", "who={{ action_context.pack }}", "--json"});
    EXPECT_EQ(given.exit_code, 0) << given.err;
    EXPECT_EQ(json::parse(given.out)["result"],
              (json{{"who", "good"}, {"greeting", "hello good"}, {"count", 10}, {"doubled", 20}}));
    auto bad = packhost_cmd({"run", "good.templated", "who={{ nope.x }}"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_PRED2(ends_with, bad.err, "error: parameter 'who': template line 1, column 8: 'nope' is undefined\n");
}

TEST(Cli, Render) {
    auto r = run_process({PACKHOST_BIN, "render", "{{ trigger.body.project | upper }}-{{ n + 1 }}", "--context", "-"},
                         {{"PACKHOST_HOME", test_home()}}, R"({"trigger": {"body": {"project": "demo"}}, "n": 1})");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "DEMO-2\n");
    auto typed = run_process({PACKHOST_BIN, "render", "{{ [n, n * 2.5, none] }}", "--context", "-", "--json"},
                             {{"PACKHOST_HOME", test_home()}}, R"({"n": 2})");
    EXPECT_EQ(json::parse(typed.out), json({2, 5.0, nullptr}));
    auto bad = run_process({PACKHOST_BIN, "render", "line one\n{{ x | uper }}"}, {{"PACKHOST_HOME", test_home()}});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err, "error: template line 2, column 8: unknown filter 'uper'\n");
    auto nocontext = run_process({PACKHOST_BIN, "render", "{{ 1 }}", "--context", "/nonexistent.json"},
                                 {{"PACKHOST_HOME", test_home()}});
    EXPECT_EQ(nocontext.exit_code, 2);
}

TEST(Cli, SecretsNeverPrinted) {
    for (auto extra : {std::vector<std::string>{"--json"}, std::vector<std::string>{}}) {
        std::vector<std::string> args{"--log-level", "trace", "run", "good.secret_echo", "token=hunter2"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = packhost_cmd(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_FALSE(contains(r.out, "hunter2")) << r.out;
        EXPECT_FALSE(contains(r.err, "hunter2")) << r.err;
        EXPECT_TRUE(contains(r.out, "********"));
    }
    // Not even in a validation error about the secret itself.
    auto bad = packhost_cmd({"run", "good.secret_echo", "token=hunter2", "user=1", "extra=1"});
    EXPECT_FALSE(contains(bad.err, "hunter2"));
}

TEST(Cli, InterruptCancelsTheExecution) {
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", BUNDLED_PACKS_DIR, "run",
                                  "core.sleep", "seconds=30",   "--json"};
    // Late enough for the action to be running even where packhost is slow
    // to start (an ASan build maps 700 MB: 0.5-0.8 s before main).
    auto r = run_process(argv, {{"PACKHOST_HOME", test_home()}}, "", SIGINT, 2000);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(json::parse(r.out)["status"], "canceled");
    EXPECT_TRUE(contains(r.err, "canceling execution"));
}

TEST(Cli, HelpOnEveryCommand) {
    for (auto args : std::vector<std::vector<std::string>>{{"--help"},
                                                           {"pack", "--help"},
                                                           {"pack", "list", "--help"},
                                                           {"pack", "show", "--help"},
                                                           {"action", "--help"},
                                                           {"action", "list", "--help"},
                                                           {"action", "show", "--help"},
                                                           {"run", "--help"},
                                                           {"render", "--help"},
                                                           {"execution", "list", "--help"},
                                                           {"execution", "get", "--help"},
                                                           {"key", "set", "--help"},
                                                           {"key", "get", "--help"},
                                                           {"key", "list", "--help"},
                                                           {"key", "delete", "--help"}}) {
        auto r = packhost_cmd(args, false);
        EXPECT_EQ(r.exit_code, 0) << args.back();
        EXPECT_TRUE(contains(r.out, "Usage:") || contains(r.out, "USAGE") || contains(r.out, "Options:")) << r.out;
    }
}

TEST(Cli, JsonLogFormat) {
    auto r = packhost_cmd({"--log-format", "json", "pack", "list"});
    ASSERT_FALSE(r.err.empty());
    auto first = r.err.substr(0, r.err.find('\n'));
    auto line = json::parse(first);
    EXPECT_EQ(line["level"], "warning");
    EXPECT_TRUE(contains(line["msg"].get<std::string>(), "pack refused:"));
}

TEST(Cli, HistorySurvivesAndKilledRunsAreAbandoned) {
    auto first = packhost_cmd({"run", "core.echo", "message=kept", "--json"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string kept_id = json::parse(first.out)["id"];

    // A packhost killed mid-execution leaves it unfinished in the store...
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", BUNDLED_PACKS_DIR, "--log-level",
                                  "debug",      "run",          "core.sleep",      "seconds=30"};
    auto killed = run_process_signal_when(argv, {{"PACKHOST_HOME", test_home()}}, SIGKILL, [](const auto& so_far) {
        return contains(so_far.err, "of core.sleep accepted");
    });
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL);

    // ...and the next packhost finds the history and marks that one abandoned.
    auto list = packhost_cmd({"execution", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    auto records = json::parse(list.out);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["action"]["ref"], "core.sleep");
    EXPECT_EQ(records[0]["status"], "abandoned");
    EXPECT_EQ(records[0]["result"]["error"], "the packhost process running it ended before the execution finished");
    EXPECT_EQ(records[0]["log"].back()["status"], "abandoned");
    EXPECT_EQ(records[1]["id"], kept_id);
    EXPECT_EQ(records[1]["status"], "succeeded");
    EXPECT_TRUE(contains(list.err, "1 execution(s) of an earlier packhost process marked abandoned"));

    auto get = packhost_cmd({"execution", "get", kept_id, "--json"});
    EXPECT_EQ(get.exit_code, 0);
    EXPECT_EQ(json::parse(get.out)["result"]["message"], "kept");
    EXPECT_EQ(packhost_cmd({"execution", "get", "000000000000000000000000"}).exit_code, 2);
    auto filtered = json::parse(packhost_cmd({"execution", "list", "--status", "succeeded", "--json"}).out);
    EXPECT_EQ(filtered.size(), 1u);
    EXPECT_EQ(packhost_cmd({"execution", "list", "--status", "bogus"}).exit_code, 2);
}

TEST(Cli, NoSecretPlaintextAnywhere) {
    const std::string secret = "hunter2-s3cret-value";
    auto r = packhost_cmd({"--log-level", "trace", "run", "good.secret_echo", "token=" + secret, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto id = json::parse(r.out)["id"].get<std::string>();
    auto get = packhost_cmd({"--log-level", "trace", "execution", "get", id});
    auto list = packhost_cmd({"execution", "list", "--json"});
    for (const auto* text : {&r.out, &r.err, &get.out, &get.err, &list.out}) {
        EXPECT_FALSE(contains(*text, secret)) << *text;
    }
    size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(test_home())) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(bytes.find(secret), std::string::npos) << entry.path();
        ++files;
    }
    EXPECT_GE(files, 2u) << "the store and the key were written";
    EXPECT_TRUE(contains(get.out, "token: \"********\""));
}

TEST(Cli, KeysThroughCliTemplatesAndPacks) {
    EXPECT_EQ(packhost_cmd({"key", "set", "some_key", "from-cli"}).exit_code, 0);
    auto secret = packhost_cmd({"key", "set", "api_token", "tok-plaintext-123", "--encrypt", "--json"});
    EXPECT_EQ(secret.exit_code, 0) << secret.err;
    EXPECT_FALSE(contains(secret.out, "tok-plaintext-123"));
    auto dec = json::parse(packhost_cmd({"key", "get", "api_token", "--decrypt", "--json"}).out);
    EXPECT_EQ(dec["value"], "tok-plaintext-123");
    EXPECT_EQ(packhost_cmd({"key", "get", "nope"}).exit_code, 2);
    auto list = json::parse(packhost_cmd({"key", "list", "--json"}).out);
    EXPECT_EQ(list.size(), 2u);

    // st2kv in a parameter template, decrypted.
    auto run =
        packhost_cmd({"run", "core.echo", "message={{ st2kv.system.api_token | decrypt_kv | length }}", "--json"});
    EXPECT_EQ(json::parse(run.out)["result"]["message"], "17");

    // The ABI's datastore services from a native pack: system read, user-scope encrypted write.
    auto pack = packhost_cmd({"run", "good.kv", "value=written-by-pack", "--json"});
    ASSERT_EQ(pack.exit_code, 0) << pack.err;
    auto r = json::parse(pack.out)["result"];
    EXPECT_EQ(r["value"], "from-cli");
    EXPECT_EQ(r["read_back_matches"], true);
    EXPECT_EQ(r["stored_encrypted"], true);
    // From a helper thread of the action, the call's datastore (ABI 1.1)
    // acts for the execution's user; the host table's does not.
    auto threaded = packhost_cmd({"run", "good.kv_thread", "value=from-a-helper", "--json"});
    ASSERT_EQ(threaded.exit_code, 0) << threaded.err;
    auto t = json::parse(threaded.out)["result"];
    EXPECT_EQ(t["via_call"], "from-a-helper") << t;
    EXPECT_EQ(t["via_host_on_helper"], nullptr) << t;
    auto user_keys = json::parse(packhost_cmd({"key", "list", "--scope", "user", "--decrypt", "--json"}).out);
    ASSERT_EQ(user_keys.size(), 2u) << user_keys;
    for (const auto& k : user_keys) EXPECT_EQ(k["user"], "tester") << k;
    EXPECT_EQ(user_keys[0]["value"], "written-by-pack");
    EXPECT_EQ(user_keys[1]["value"], "from-a-helper");

    EXPECT_EQ(packhost_cmd({"key", "delete", "api_token"}).exit_code, 0);
    EXPECT_EQ(packhost_cmd({"key", "delete", "api_token"}).exit_code, 2);

    for (const auto& entry : std::filesystem::recursive_directory_iterator(test_home())) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(bytes.find("written-by-pack"), std::string::npos) << entry.path();
    }
}

TEST(Cli, PackConfiguration) {
    // Defaults from config.schema.yaml, with no site file.
    auto plain = packhost_cmd({"run", "good.context", "--json"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(json::parse(plain.out)["result"]["config"], (json{{"region", "us-east-1"}, {"retries", 3}}));

    // The site's file, with a value taken from the datastore when the execution runs.
    ASSERT_EQ(packhost_cmd({"key", "set", "good_key", "k-123", "--encrypt"}).exit_code, 0);
    std::filesystem::create_directories(std::filesystem::path(test_home()) / "configs");
    std::ofstream(std::filesystem::path(test_home()) / "configs" / "good.yaml")
        << "region: eu-west-1\napi_key: \"{{ st2kv.system.good_key | decrypt_kv }}\"\n";
    auto configured = packhost_cmd({"run", "good.context", "--json"});
    ASSERT_EQ(configured.exit_code, 0) << configured.err;
    EXPECT_EQ(json::parse(configured.out)["result"]["config"],
              (json{{"region", "eu-west-1"}, {"api_key", "k-123"}, {"retries", 3}}));
    auto templated = packhost_cmd({"run", "good.templated", "who={{ config_context.region }}", "--json"});
    EXPECT_EQ(json::parse(templated.out)["result"]["who"], "eu-west-1");

    // pack show masks secret keys.
    auto show = json::parse(packhost_cmd({"pack", "show", "good", "--json"}).out);
    EXPECT_EQ(show["config"]["api_key"], "********");
    EXPECT_EQ(show["config"]["region"], "eu-west-1");

    // A value the schema refuses refuses the pack, naming the file and the key.
    std::ofstream(std::filesystem::path(test_home()) / "configs" / "good.yaml") << "retries: -1\n";
    auto refused = packhost_cmd({"pack", "show", "good"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "configs/good.yaml: config key 'retries' must be >= 0, got -1")) << refused.err;
}

namespace {

// Waits for the first execution of `action` to show up in the store
// (unfinished, unless any state will do).
std::string wait_for_running(const std::string& action, bool any_state = false) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
        auto list = packhost_cmd({"execution", "list", "--action", action, "--json"});
        if (list.exit_code == 0) {
            for (const auto& r : json::parse(list.out)) {
                if (any_state || r["end_timestamp"].is_null()) return r["id"];
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
}

}  // namespace

TEST(Cli, CancelFromAnotherProcess) {
    ProcessResult running;
    std::thread runner([&] { running = packhost_cmd({"run", "core.local", "cmd=echo begun; sleep 30", "--json"}); });
    std::string id = wait_for_running("core.local");
    if (id.empty()) {
        runner.join();
        FAIL() << "the run never showed up: " << running.err;
    }
    auto cancel = packhost_cmd({"execution", "cancel", id});
    runner.join();
    EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
    EXPECT_EQ(cancel.out, "execution " + id + ": canceled\n");
    EXPECT_EQ(running.exit_code, 1);
    EXPECT_EQ(json::parse(running.out)["status"], "canceled");
    auto again = packhost_cmd({"execution", "cancel", id});
    EXPECT_EQ(again.exit_code, 0) << "already canceled";
    auto done = json::parse(packhost_cmd({"run", "core.noop", "--json"}).out)["id"].get<std::string>();
    auto finished = packhost_cmd({"execution", "cancel", done});
    EXPECT_EQ(finished.exit_code, 1);
    EXPECT_TRUE(contains(finished.err, "had already finished: succeeded"));
}

TEST(Cli, ReRunUsesTheOriginalParameters) {
    auto first = packhost_cmd({"run", "good.secret_echo", "token=orig-secret", "user=ann", "--json"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string id = json::parse(first.out)["id"];
    auto again = packhost_cmd({"execution", "re-run", id, "user=bob", "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    auto rec = json::parse(again.out);
    EXPECT_NE(rec["id"], id);
    EXPECT_EQ(rec["context"]["re-run"]["ref"], id);
    EXPECT_EQ(rec["parameters"]["user"], "bob");
    EXPECT_EQ(rec["parameters"]["token"], "********");
    // The secret came back from the sealed copy: the action saw the original.
    auto shown = packhost_cmd({"execution", "re-run", id, "--json"});
    EXPECT_EQ(json::parse(shown.out)["result"]["token"], "********");
    EXPECT_FALSE(contains(again.out + shown.out, "orig-secret"));
    EXPECT_EQ(packhost_cmd({"execution", "re-run", id, "user=1", "bogus=2"}).exit_code, 2);
}

TEST(Cli, TailFollowsOutput) {
    ProcessResult running;
    // Usually followed live; under load it may be over before tail starts,
    // and then tail prints what there was and ends the same way.
    std::thread runner([&] {
        running = packhost_cmd({"run", "core.local", "cmd=echo one; sleep 1.5; echo two >&2; echo three"});
    });
    std::string id = wait_for_running("core.local", /*any_state=*/true);
    if (id.empty()) {
        runner.join();
        FAIL() << "the run never showed up: " << running.err;
    }
    auto tail = packhost_cmd({"execution", "tail", id});
    runner.join();
    EXPECT_EQ(tail.exit_code, 0);
    EXPECT_EQ(tail.out, "one\nthree\n");
    EXPECT_TRUE(contains(tail.err, "two\n"));
}

TEST(Cli, PurgeAndRetention) {
    packhost_cmd({"run", "core.noop"});
    packhost_cmd({"run", "core.noop"});
    EXPECT_EQ(json::parse(packhost_cmd({"execution", "list", "--json"}).out).size(), 2u);
    auto keep = packhost_cmd({"execution", "purge", "--older-than", "1h"});
    EXPECT_EQ(keep.out, "purged 0 execution(s)\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto purge = packhost_cmd({"execution", "purge", "--older-than", "1s"});
    EXPECT_EQ(purge.out, "purged 2 execution(s)\n");
    EXPECT_EQ(packhost_cmd({"execution", "purge", "--older-than", "soon"}).exit_code, 2);
    packhost_cmd({"run", "core.noop"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto list = packhost_cmd({"--retention", "1s", "execution", "list", "--json"});
    EXPECT_EQ(json::parse(list.out).size(), 0u) << "retention purged it at start";
}

TEST(Cli, OutputCapIsConfigurable) {
    auto r = packhost_cmd({"--output-cap", "10", "run", "core.local", "cmd=echo 0123456789abcdef", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rec = json::parse(r.out);
    EXPECT_EQ(rec["result"]["stdout"], "0123456789\n[packhost: output cut at 10 bytes]");
    EXPECT_EQ(rec["output"][0]["data"], "0123456789abcdef\n") << "the stored output chunks are whole";
}

TEST(Cli, OutputWithNulBytesIsPrintedWhole) {
    // A NUL in a multi-line output used to cut the text view short: no
    // status, no result, no error.
    auto r = packhost_cmd({"run", "core.local", "cmd=printf 'a\\nb\\0c\\n'"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "output: \"a\\nb\\x00c\\n\"")) << r.out;
    EXPECT_TRUE(contains(r.out, "status: succeeded")) << r.out;
    EXPECT_TRUE(contains(r.out, "succeeded: true")) << r.out;
    EXPECT_EQ(r.out.find('\0'), std::string::npos) << "never written raw";
}

TEST(Cli, WhatAProcessCannotBeGivenIsRefusedSayingWhy) {
    auto nul =
        json::parse(packhost_cmd({"run", "core.local", "cmd=echo $A", "env={\"A\": \"x\\u0000y\"}", "--json"}).out);
    EXPECT_EQ(nul["status"], "failed");
    EXPECT_EQ(nul["result"]["error"],
              "parameter 'env': the value of 'A' contains a NUL byte, which a process cannot be given");
    auto eq = json::parse(packhost_cmd({"run", "core.local", "cmd=true", "env={\"A=B\": \"x\"}", "--json"}).out);
    EXPECT_EQ(eq["result"]["error"],
              "parameter 'env': variable name 'A=B' is not valid (it may not be empty or hold '=' or a NUL byte)");
    auto cmd = json::parse(packhost_cmd({"run", "core.local", "cmd={{ 'echo\\u0000rm -rf /' }}", "--json"}).out);
    EXPECT_EQ(cmd["result"]["error"], "parameter 'cmd' contains a NUL byte, which a process cannot be given")
        << cmd.dump(2);
    auto cwd = json::parse(packhost_cmd({"run", "core.local", "cmd=true", "cwd=/no/such/dir", "--json"}).out);
    EXPECT_EQ(cwd["result"]["error"], "the working directory /no/such/dir does not exist");
}

TEST(Cli, BadArgumentsSayWhatIsExpected) {
    auto t = packhost_cmd({"run", "core.sleep", "--timeout", "abc"});
    EXPECT_EQ(t.exit_code, 2);
    EXPECT_TRUE(contains(t.err, "--timeout: expected a number of seconds, 0 for no limit (e.g. 30 or 0.5), got 'abc'"))
        << t.err;
    EXPECT_LT(t.err.size(), 300u) << "no 300-digit range";
    EXPECT_EQ(packhost_cmd({"run", "core.sleep", "seconds=0.1", "--timeout", "0"}).exit_code, 0) << "0: no limit";

    // With --json, errors are JSON too.
    auto j = packhost_cmd({"run", "core.echo", "--json"});
    EXPECT_EQ(j.exit_code, 2);
    auto doc = json::parse(j.out);
    EXPECT_EQ(doc["error"], "parameter 'message' is required");
    EXPECT_EQ(doc["problems"], json::array({"parameter 'message' is required"}));
    auto unknown = json::parse(packhost_cmd({"run", "core.nope", "--json"}).out);
    EXPECT_EQ(unknown["error"], "action 'core.nope' is not registered (see 'packhost action list')");

    // A parameter nested past the host's limit is refused, not a crash.
    std::string deep;
    for (int i = 0; i < 10000; ++i) deep += "{\"a\":";
    deep += "1" + std::string(10000, '}');
    auto d = packhost_cmd({"run", "core.local", "cmd=true", "env=" + deep});
    EXPECT_EQ(d.exit_code, 2) << d.err;
    EXPECT_TRUE(contains(d.err, "error: parameter 'env': nested deeper than 128 levels")) << d.err;
}

TEST(Cli, NumbersPrintTheShortestWay) {
    // nlohmann's own printer gives 4.0109069999999996 for 4.010907.
    auto r = packhost_cmd({"render", "{{ [4.010907, 0.1, 2.0, 1e20] }}", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "[\n  4.010907,\n  0.1,\n  2.0,\n  1e+20\n]\n");
    auto rec = packhost_cmd({"run", "core.noop"});
    auto line = rec.out.substr(rec.out.find("elapsed_seconds: "));
    line = line.substr(17, line.find('\n') - 17);
    EXPECT_LE(line.size(), 8u) << "microseconds at most: " << line;
}

TEST(Cli, ALibraryThatCannotLoadSaysWhyInDlopensWords) {
    auto dir = std::filesystem::path(test_home()) / "packs" / "garbage";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "pack.yaml") << "ref: garbage\nname: garbage\ndescription: d\nversion: 1.0.0\nauthor: a\n";
    std::ofstream(dir / "libgarbage.so") << "not a library\n";
    auto r = run_process({PACKHOST_BIN, "--packs-path", dir.parent_path().string(), "pack", "list"},
                         {{"PACKHOST_HOME", test_home()}});
    EXPECT_TRUE(contains(r.out, (dir / "libgarbage.so").string() + ": cannot be loaded: file too short\n")) << r.out;
    EXPECT_FALSE(contains(r.out, "Bad file descriptor")) << r.out;
}

TEST(Cli, PackDirectoriesItCannotReadAreReported) {
    // As a user who cannot read one pack's folder (root reads everything).
    auto packs = std::filesystem::path(test_home()) / "shared-packs";
    std::filesystem::create_directories(packs / "private" / "actions");
    std::ofstream(packs / "private" / "pack.yaml")
        << "ref: private\nname: p\ndescription: d\nversion: 1.0.0\nauthor: a\n";
    std::filesystem::permissions(packs / "private", std::filesystem::perms::owner_all);
    std::filesystem::permissions(test_home(), std::filesystem::perms::all);
    std::filesystem::permissions(packs, std::filesystem::perms::all);
    auto home = std::filesystem::path(test_home()) / "nobody-home";
    std::filesystem::create_directories(home);
    std::filesystem::permissions(home, std::filesystem::perms::all);
    auto r = run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PACKHOST_BIN,
                          "--packs-path", packs.string() + ":" + (packs / "missing").string(), "pack", "list"},
                         {{"PACKHOST_HOME", home.string()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, (packs / "private").string() + ": cannot be read (Permission denied); skipped"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "packs path: " + (packs / "missing").string() + " does not exist")) << r.out;
}

TEST(Cli, ARecordNestedTooDeepIsShownWithAnErrorNotACrash) {
    // Written by something else (or an older packhost): printing it used to
    // recurse until the stack ran out.
    std::string id = json::parse(packhost_cmd({"run", "core.noop", "--json"}).out)["id"];
    auto sql = run_process({"/usr/bin/sqlite3", test_home() + "/packhost.db",
                            "UPDATE executions SET result = replace(hex(zeroblob(100000)), '00', '[') || "
                            "replace(hex(zeroblob(100000)), '00', ']') WHERE id = '" +
                                id + "'"});
    ASSERT_EQ(sql.exit_code, 0) << sql.err;
    auto text = packhost_cmd({"execution", "get", id});
    EXPECT_EQ(text.exit_code, 0) << text.err;
    EXPECT_TRUE(contains(text.out, "error: \"execution " + id + ": stored result: nested deeper than 128 levels"))
        << text.out;
    auto j = packhost_cmd({"execution", "get", id, "--json"});
    EXPECT_EQ(j.exit_code, 0);
    EXPECT_EQ(json::parse(j.out)["status"], "succeeded");
}

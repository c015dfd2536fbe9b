// packhost chat, the console adapter, end to end: a real packhost reading
// messages on stdin with the fixture `chat` pack and the bundled core
// aliases, running real executions and printing the bot's answers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

using namespace packhost::testing;
using json = nlohmann::json;

namespace {

ProcessResult chat(const std::string& input, std::map<std::string, std::string> env = {},
                   const std::string& wait = "60") {
    std::vector<std::string> argv = packhost_argv({"chat", "--user", "alice", "--channel", "#ops", "--wait", wait});
    env["PACKHOST_PACKS_PATH"] = "";
    env["PACKHOST_HOME"] = test_home();
    return run_process(argv, env, input);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ChatCommand, CommandsRunAndTheirResultsComeBack) {
    auto r = chat("!echo hello there\npackhost: echo \"two words\"\n@packhost, echo third\nnot for the bot\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "hello there\n")) << r.out;
    EXPECT_TRUE(has(r.out, "two words\n")) << r.out;
    EXPECT_TRUE(has(r.out, "third\n")) << r.out;
    EXPECT_FALSE(has(r.out, "not for the bot")) << r.out;
}

TEST(ChatCommand, AcksComeFirstAndResultsUseTheAliasFormat) {
    auto r = chat("!deploy web to a, b count=2\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "deploying web\ndeploying web x2 to a,b in prod\n");
}

TEST(ChatCommand, HelpListsTheAliasesAndFilters) {
    auto r = chat("!help\n!help SHIP\n!help nothing-like-it\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "!echo {{message}} - Repeats the message back (core.echo).")) << r.out;
    EXPECT_TRUE(has(r.out, "!deploy {{app}} to {{hosts=localhost}} - Deploy an app to hosts")) << r.out;
    EXPECT_FALSE(has(r.out, "!secret")) << "disabled aliases are not listed: " << r.out;
    EXPECT_TRUE(has(r.out, "!ship APP [xCOUNT] - Deploy an app to hosts\nNo command matches")) << r.out;
    EXPECT_TRUE(has(r.out, "No command matches \"nothing-like-it\".")) << r.out;
}

TEST(ChatCommand, WhatCannotRunIsAnsweredAndNothingRuns) {
    auto r = chat("!ecko hi\n!status x\n!ship api xlots\n!deploy x to h stage=prod\n!make coffee\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "Sorry, I don't know \"ecko hi\". Did you mean \"!echo {{message}}\"?")) << r.out;
    EXPECT_TRUE(has(r.out, "Command 'status x' matched more than 1 pattern: chat.status_a, chat.status_b")) << r.out;
    EXPECT_TRUE(has(r.out, "Sorry, parameter 'count': cannot convert \"lots\" to an integer")) << r.out;
    EXPECT_TRUE(has(r.out, "Sorry, Immutable arguments cannot be overriden: stage")) << r.out;
    EXPECT_TRUE(has(r.out, "Sorry, I don't know \"make coffee\". !help lists what I can do.")) << r.out;
    auto list = packhost_cmd({"execution", "list", "--json"});
    EXPECT_EQ(json::parse(list.out).size(), 0u) << list.out;
}

TEST(ChatCommand, MatchMultipleRunsOncePerOccurrence) {
    auto r = chat("!what about OPS-1 and DEV-2\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "ticket OPS-1\n")) << r.out;
    EXPECT_TRUE(has(r.out, "ticket DEV-2\n")) << r.out;
}

TEST(ChatCommand, ExecutionsRecordWhoAskedWhere) {
    auto r = chat("!echo traced\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto list = json::parse(packhost_cmd({"execution", "list", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    auto id = list[0]["id"].get<std::string>();
    auto e = json::parse(packhost_cmd({"execution", "get", id, "--json"}).out);
    const auto& c = e["context"];
    EXPECT_EQ(c["api_user"], "alice") << c.dump();
    EXPECT_EQ(c["source_channel"], "#ops") << c.dump();
    EXPECT_EQ(c["action_alias_ref"], "core.echo") << c.dump();
    EXPECT_EQ(c["chatops"]["adapter"], "console") << c.dump();
    EXPECT_EQ(c["chatops"]["user"], "alice") << c.dump();
}

TEST(ChatCommand, LongResultsAreCutWithThePointer) {
    auto r = chat("!lines 1000\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "1\n2\n3\n")) << r.out;
    EXPECT_FALSE(has(r.out, "\n1000\n")) << r.out;
    EXPECT_TRUE(has(r.out, "… cut at 2000 of 3892 characters")) << r.out;  // "1\n" to "1000" (stdout is stripped)
    EXPECT_TRUE(has(r.out, "`packhost execution get ")) << r.out;
}

TEST(ChatCommand, OversizedOrUnreadableMessagesAreRefused) {
    std::string big = "!echo " + std::string(1 << 20, 'x') + "\n";
    auto r = chat(big + "!echo \xff\xfe\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "That message is 1048582 bytes; I read at most 16384.")) << r.out.substr(0, 300);
    EXPECT_TRUE(has(r.out, "I can only read UTF-8 text.")) << r.out;
    EXPECT_EQ(json::parse(packhost_cmd({"execution", "list", "--json"}).out).size(), 0u);
}

TEST(ChatCommand, DenyByDefaultRunsNothingAndSaysSo) {
    auto r = chat("!echo hi\n", {{"PACKHOST_CHAT_DENY_BY_DEFAULT", "true"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Sorry alice, you may not run core.echo in #ops.\n");
}

TEST(ChatCommand, AllowListsFromTheSiteConfiguration) {
    std::filesystem::create_directories(test_home());
    std::ofstream(test_home() + "/config.yaml") << "chatops:\n"
                                                   "  deny_by_default: true\n"
                                                   "  allow:\n"
                                                   "    users:\n"
                                                   "      bob: [core.echo]\n"
                                                   "    channels:\n"
                                                   "      \"#ops\": chat.deploy, chat.row\n";
    auto r = chat("!echo hi\n!deploy web to h1\n");  // alice in #ops
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "Sorry alice, you may not run core.echo in #ops.")) << r.out;
    EXPECT_TRUE(has(r.out, "deploying web x1 to h1 in prod")) << r.out;
    auto shown = packhost_cmd({"config", "show", "--json"});
    auto settings = json::parse(shown.out, nullptr, false)["settings"];
    EXPECT_EQ(settings["chatops.allow.users.bob"]["value"], json::parse(R"(["core.echo"])")) << shown.out;
    EXPECT_EQ(settings["chatops.allow.channels.#ops"]["value"], json::parse(R"(["chat.deploy", "chat.row"])"));
    auto table = packhost_cmd({"config", "show"});
    EXPECT_TRUE(has(table.out, "chat.deploy, chat.row")) << table.out << table.err;
    std::ofstream(test_home() + "/config.yaml") << "chatops:\n  allow:\n    users:\n      bob: [{a: 1}]\n";
    r = chat("!echo hi\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.err, "config.yaml:4: chatops.allow.users.bob: expected a list of names")) << r.err;
}

TEST(ChatCommand, BundledRunStartsAnyActionWithItsKeyValueParameters) {
    auto r = chat("!run core.echo message=\"from run\"\n!run core.nope x=1\n!run core.echo nope=1\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "from run\n")) << r.out;
    EXPECT_TRUE(has(r.out, "`core.run` failed: core.nope: action 'core.nope' is not registered")) << r.out;
    EXPECT_TRUE(has(r.out, "`core.run` failed: core.echo: ")) << r.out;
    EXPECT_TRUE(has(r.out, "nope")) << r.out;
    // The action ran as core.run's child, from alice's channel.
    auto list = json::parse(packhost_cmd({"execution", "list", "--json"}).out);
    bool child = false;
    for (const auto& e : list) {
        if (e["action"]["ref"] == "core.echo" && e.contains("parent")) {
            child = true;
            EXPECT_EQ(e["context"]["source_channel"], "#ops") << e.dump();
        }
    }
    EXPECT_TRUE(child) << list.dump();
}

TEST(ChatCommand, BundledExecutionGetShowsStatusAndResult) {
    ASSERT_EQ(chat("!echo remembered\n").exit_code, 0);
    auto list = json::parse(packhost_cmd({"execution", "list", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    std::string id = list[0]["id"];
    auto r = chat("!execution get " + id + "\n!execution get 000000000000000000000000\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, id + " core.echo: succeeded (")) << r.out;
    EXPECT_TRUE(has(r.out, "\"message\": \"remembered\"")) << r.out;
    EXPECT_TRUE(has(r.out, "no execution 000000000000000000000000\n")) << r.out;
}

TEST(ChatCommand, PostMessageReachesTheChannelItNames) {
    // chatops.post_message is how rules and workflows talk in chat: its
    // announcement reaches the console adapter, addressed or whispered.
    auto r = chat(
        "!run chatops.post_message channel=#deploys message=\"build 42 is out\"\n"
        "!run chatops.post_message channel=#deploys message=hello user=bob\n"
        "!run chatops.post_message channel=#deploys message=psst user=bob whisper=true adapter=console\n"
        "!run chatops.post_message channel=#x message=lost adapter=slack\n"
        "!run chatops.post_message channel=#deploys message=\"Deployed:{~}web 42\"\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Each twice: the announcement, then core.run's result (its parameters).
    auto count = [&](const std::string& part) {
        size_t n = 0;
        for (size_t at = r.out.find(part); at != std::string::npos; at = r.out.find(part, at + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("build 42 is out\n"), 2u) << r.out;
    EXPECT_EQ(count("bob: hello\n"), 1u) << r.out;
    EXPECT_EQ(count("psst\n"), 2u) << r.out;
    EXPECT_EQ(count("lost\n"), 1u) << "no slack adapter here: " << r.out;
    // StackStorm's pretext delimiter, shown as hubot shows it outside Slack
    EXPECT_EQ(count("Deployed:\nweb 42\n"), 2u) << r.out;
    EXPECT_EQ(count("{~}"), 0u) << r.out;
}

TEST(ChatCommand, LeavingBeforeAResultComesEndsCleanly) {
    // The nap is still running when chat stops waiting: it is stopped with
    // the host, and its end, coming after the chat side is gone, finds nobody.
    auto r = chat("!nap 5\n", {}, "1");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.err, "some executions had not ended after 1 s")) << r.err;
    EXPECT_EQ(r.out, "");
}

}  // namespace

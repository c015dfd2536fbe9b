// `packhost rule test` as st2-rule-tester: a rule file and a trigger
// instance file in, whether it matches, the criterion that failed and the
// rendered action parameters out (cast when the action is registered,
// rendered only when not), st2kv.system from the local datastore, exit
// statuses 0/1/2, bad files named with their line or field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

using namespace packhost::testing;
using json = nlohmann::json;

namespace {

std::string write_in_home(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(test_home());
    std::string path = test_home() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

const char* kRule = R"(---
name: on_push
pack: ci
description: Runs the build when main is pushed.
enabled: true
trigger:
  type: core.st2.webhook
  parameters: {url: github}
criteria:
  trigger.body.ref: {type: equals, pattern: refs/heads/main}
  trigger.headers['X-GitHub-Event']: {type: iequals, pattern: PUSH}
  trigger.body.commits: {type: search, condition: any, pattern: {item.author: {type: equals, pattern: "{{ st2kv.system.reviewer }}"}}}
action:
  ref: core.local
  parameters:
    cmd: "echo build {{ trigger.body.repository }} at {{ trigger.body.commits[0].id }}"
)";

const char* kInstance = R"({"trigger": "core.st2.webhook", "payload": {
  "url": "github", "headers": {"X-GitHub-Event": "push"},
  "body": {"ref": "refs/heads/main", "repository": "packhost",
           "commits": [{"id": "abc123", "author": "alice"}, {"id": "def456", "author": "bob"}]}}})";

json test_json(const std::string& rule, const std::string& instance, int& exit_code) {
    auto r = packhost_cmd({"rule", "test", "--rule", rule, "--trigger-instance", instance, "--json"});
    exit_code = r.exit_code;
    auto j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
}

}  // namespace

TEST(RuleTest, AMatchingRuleShowsTheCastParametersItWouldRunWith) {
    ASSERT_EQ(packhost_cmd({"key", "set", "reviewer", "bob"}).exit_code, 0);
    std::string rule = write_in_home("rule.yaml", kRule), instance = write_in_home("instance.json", kInstance);
    int code = -1;
    auto out = test_json(rule, instance, code);
    EXPECT_EQ(code, 0);
    EXPECT_EQ(out["matches"], true) << out.dump();
    EXPECT_TRUE(out["failed_criterion"].is_null());
    EXPECT_TRUE(out["error"].is_null());
    EXPECT_EQ(out["action_parameters"]["cmd"], "echo build packhost at abc123");
    EXPECT_TRUE(out["action_parameters"].contains("timeout")) << "core.local's defaults are filled in: " << out.dump();
    // The text form says the same for people.
    auto text = packhost_cmd({"rule", "test", "--rule", rule, "--trigger-instance", instance});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_EQ(text.out.rfind("=== RULE MATCHES ===\n", 0), 0u) << text.out;
}

TEST(RuleTest, ANonMatchingRuleNamesTheCriterionThatFailed) {
    ASSERT_EQ(packhost_cmd({"key", "set", "reviewer", "carol"}).exit_code, 0);
    std::string rule = write_in_home("rule.yaml", kRule), instance = write_in_home("instance.json", kInstance);
    int code = -1;
    auto out = test_json(rule, instance, code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(out["matches"], false);
    EXPECT_EQ(out["failed_criterion"], "trigger.body.commits");
    EXPECT_TRUE(out["action_parameters"].is_null());

    // Another trigger type: not a match, and why.
    std::string other = write_in_home("other.json", R"({"trigger": "core.st2.IntervalTimer", "payload": {}})");
    out = test_json(rule, other, code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(out["error"],
              "rule.trigger \"core.st2.webhook\" and trigger.ref \"core.st2.IntervalTimer\" do not match");
    auto text = packhost_cmd({"rule", "test", "--rule", rule, "--trigger-instance", other});
    EXPECT_EQ(text.out.rfind("=== RULE DOES NOT MATCH ===\n", 0), 0u) << text.out;
}

TEST(RuleTest, AnUnregisteredActionsParametersAreRenderedNotCast) {
    std::string rule = write_in_home("rule.yaml", R"(
name: elsewhere
trigger: {type: pack.event}
action:
  ref: notinstalled.report
  parameters: {count: "{{ trigger.n }}", label: "n={{ trigger.n }}", fixed: 7, items: ["{{ trigger.n + 1 }}"]}
)");
    std::string instance = write_in_home("instance.yaml", "trigger: pack.event\npayload:\n  n: 3\n");
    int code = -1;
    auto out = test_json(rule, instance, code);
    EXPECT_EQ(code, 0);
    EXPECT_EQ(out["action_parameters"], json::parse(R"({"count": 3, "label": "n=3", "fixed": 7, "items": [4]})"))
        << out.dump();
}

TEST(RuleTest, BadFilesAreNamedWithTheirLineOrField) {
    std::string instance = write_in_home("instance.json", kInstance);
    auto broken = write_in_home("broken.yaml", "name: x\ntrigger: [unclosed\n");
    auto r = packhost_cmd({"rule", "test", "--rule", broken, "--trigger-instance", instance});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(broken + ":"), std::string::npos) << r.err;

    auto incomplete = write_in_home("incomplete.yaml",
                                    "name: x\ntrigger: {type: core.st2.webhook}\n"
                                    "criteria:\n  trigger.a: {type: like, pattern: b}\n");
    r = packhost_cmd({"rule", "test", "--rule", incomplete, "--trigger-instance", instance});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("error: " + incomplete + ": action: required"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("error: " + incomplete + ": criteria.trigger.a.type: unknown operator 'like'"),
              std::string::npos)
        << r.err;

    auto rule = write_in_home("rule.yaml", kRule);
    auto no_trigger = write_in_home("no-trigger.json", R"({"payload": {}})");
    r = packhost_cmd({"rule", "test", "--rule", rule, "--trigger-instance", no_trigger});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(no_trigger + ": a trigger instance is {trigger: TRIGGER_TYPE_REF"), std::string::npos)
        << r.err;
}

TEST(RuleCommands, ListAndGetThePacksRules) {
    auto list = packhost_cmd({"rule", "list", "--pack", "flows", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    auto rules = json::parse(list.out);
    ASSERT_EQ(rules.size(), 1u) << list.out;
    EXPECT_EQ(rules[0]["ref"], "flows.echo_webhook");
    EXPECT_EQ(rules[0]["trigger"]["type"], "core.st2.webhook");
    EXPECT_EQ(rules[0]["action"]["ref"], "core.local");
    auto text = packhost_cmd({"rule", "list"});
    EXPECT_NE(text.out.find("flows.echo_webhook"), std::string::npos) << text.out;
    auto got = packhost_cmd({"rule", "get", "flows.echo_webhook"});
    EXPECT_EQ(got.exit_code, 0);
    EXPECT_EQ(json::parse(got.out)["criteria"]["trigger.url"]["pattern"], "echo");
    auto missing = packhost_cmd({"rule", "get", "flows.nope"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("rule 'flows.nope' does not exist"), std::string::npos) << missing.err;
    // Nothing enforced yet in this home; an unknown id is an error.
    auto none = packhost_cmd({"rule-enforcement", "list", "--json"});
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(json::parse(none.out).size(), 0u);
    EXPECT_EQ(packhost_cmd({"rule-enforcement", "get", "nope"}).exit_code, 2);
}

TEST(RuleCommands, RulesKeptInTheStoreAreCreatedSwitchedAndDeleted) {
    std::string file = write_in_home("deploy.yaml", R"(---
name: on_deploy
pack: ops
trigger: {type: flows.deploy_requested}
criteria: {trigger.service: {type: eq, pattern: api}}
action: {ref: core.echo, parameters: {message: "deploy {{ trigger.service }}"}}
)");
    auto made = packhost_cmd({"rule", "create", file});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    EXPECT_EQ(json::parse(made.out)["ref"], "ops.on_deploy");
    auto again = packhost_cmd({"rule", "create", file});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("rule 'ops.on_deploy' already exists"), std::string::npos) << again.err;
    // The stored rule beside the packs' (the fixtures' and the bundled openstack's example).
    auto list = json::parse(packhost_cmd({"rule", "list", "--json"}).out);
    json stored;
    for (const auto& r : list)
        if (r["pack"] == "ops") stored.push_back(r);
    ASSERT_EQ(stored.size(), 1u) << list.dump();
    EXPECT_EQ(stored[0]["ref"], "ops.on_deploy");
    EXPECT_EQ(stored[0]["enabled"], true);
    EXPECT_EQ(json::parse(packhost_cmd({"rule", "list", "--pack", "flows", "--json"}).out).size(), 1u);

    // Switches work on a pack's rule and a stored one alike, and last.
    EXPECT_EQ(json::parse(packhost_cmd({"rule", "disable", "ops.on_deploy"}).out)["enabled"], false);
    EXPECT_EQ(packhost_cmd({"rule", "disable", "flows.echo_webhook"}).exit_code, 0);
    EXPECT_EQ(json::parse(packhost_cmd({"rule", "get", "flows.echo_webhook"}).out)["enabled"], false);
    EXPECT_EQ(json::parse(packhost_cmd({"rule", "get", "ops.on_deploy"}).out)["enabled"], false);
    EXPECT_EQ(json::parse(packhost_cmd({"rule", "enable", "ops.on_deploy"}).out)["enabled"], true);
    EXPECT_EQ(packhost_cmd({"rule", "enable", "ops.nope"}).exit_code, 2);

    // A pack's rule is not deleted from the store: its file says so.
    auto pack_rule = packhost_cmd({"rule", "delete", "flows.echo_webhook"});
    EXPECT_EQ(pack_rule.exit_code, 2);
    EXPECT_NE(pack_rule.err.find("echo_webhook.yaml"), std::string::npos) << pack_rule.err;
    auto deleted = packhost_cmd({"rule", "delete", "ops.on_deploy"});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
    EXPECT_EQ(packhost_cmd({"rule", "get", "ops.on_deploy"}).exit_code, 2);
    EXPECT_EQ(packhost_cmd({"rule", "delete", "ops.on_deploy"}).exit_code, 2);
}

TEST(RuleCommands, CreateRefusesAnUnknownTriggerTypeAndParametersThatDoNotFitIt) {
    auto unknown = packhost_cmd({"rule", "create", write_in_home("u.yaml", R"(
name: u
trigger: {type: ops.nothing}
action: {ref: core.noop}
)")});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("u.yaml: trigger.type: 'ops.nothing' is not a known trigger type"), std::string::npos)
        << unknown.err;
    auto no_url = packhost_cmd({"rule", "create", write_in_home("w.yaml", R"(
name: w
trigger: {type: core.st2.webhook, parameters: {path: x}}
action: {ref: core.noop}
)")});
    EXPECT_EQ(no_url.exit_code, 2);
    EXPECT_NE(no_url.err.find("w.yaml: trigger.parameters:"), std::string::npos) << no_url.err;
    EXPECT_NE(no_url.err.find("url"), std::string::npos) << no_url.err;
    // An action not registered is allowed (it may come later), with a warning.
    auto later = packhost_cmd({"rule", "create", write_in_home("l.yaml", R"(
name: l
trigger: {type: core.st2.webhook, parameters: {url: later}}
action: {ref: ops.not_yet}
)")});
    EXPECT_EQ(later.exit_code, 0) << later.err;
    EXPECT_NE(later.err.find("action 'ops.not_yet' is not registered"), std::string::npos) << later.err;
}

TEST(TriggerCommands, ListAndShowTheSystemAndThePacksTriggerTypes) {
    auto list = packhost_cmd({"trigger", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    std::set<std::string> refs;
    for (const auto& t : json::parse(list.out)) refs.insert(t["ref"].get<std::string>());
    for (const char* ref : {"core.st2.webhook", "core.st2.CronTimer", "core.st2.generic.actiontrigger",
                            "core.st2.key_value_pair.value_change", "flows.deploy_requested"}) {
        EXPECT_TRUE(refs.count(ref)) << ref;
    }
    auto shown = packhost_cmd({"trigger", "show", "flows.deploy_requested"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_EQ(json::parse(shown.out)["payload_schema"]["properties"]["service"]["type"], "string");
    EXPECT_EQ(packhost_cmd({"trigger", "show", "flows.nope"}).exit_code, 2);
}

TEST(TriggerCommands, AReEmittedInstanceRunsTheRulesHereAndSaysWhatTheyStarted) {
    std::string file = write_in_home("deploy.yaml", R"(
name: on_deploy
pack: ops
trigger: {type: flows.deploy_requested}
action: {ref: core.echo, parameters: {message: "deploy {{ trigger.service }} x{{ trigger.replicas }}"}}
)");
    ASSERT_EQ(packhost_cmd({"rule", "create", file}).exit_code, 0);
    // core.inject_trigger records the instance; nothing runs rules in `run`.
    auto injected =
        packhost_cmd({"run", "core.inject_trigger", "trigger=flows.deploy_requested", R"(payload={"service": "api"})"});
    ASSERT_EQ(injected.exit_code, 0) << injected.out << injected.err;
    auto rejected =
        packhost_cmd({"run", "core.inject_trigger", "trigger=flows.deploy_requested", R"(payload={"replicas": 2})"});
    EXPECT_EQ(rejected.exit_code, 1);
    auto bad = json::parse(packhost_cmd({"trigger-instance", "list", "--status", "rejected", "--json"}).out);
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_NE(bad[0]["reason"].get<std::string>().find("'service' is required"), std::string::npos) << bad.dump();
    auto pending = json::parse(packhost_cmd({"trigger-instance", "list", "--status", "pending", "--json"}).out);
    ASSERT_EQ(pending.size(), 1u);
    std::string id = pending[0]["id"];
    EXPECT_EQ(pending[0]["payload"]["replicas"], 1);  // the schema's default

    auto re = packhost_cmd({"trigger-instance", "re-emit", id, "--json"});
    ASSERT_EQ(re.exit_code, 0) << re.err;
    auto out = json::parse(re.out);
    EXPECT_EQ(out["payload"]["__context"]["original_id"], id);
    ASSERT_EQ(out["enforcements"].size(), 1u) << out.dump();
    EXPECT_EQ(out["enforcements"][0]["rule"], "ops.on_deploy");
    EXPECT_EQ(out["enforcements"][0]["status"], "succeeded");
    auto ran = json::parse(
        packhost_cmd({"execution", "get", out["enforcements"][0]["execution_id"].get<std::string>(), "--json"}).out);
    EXPECT_EQ(ran["result"]["message"], "deploy api x1");
    auto again = json::parse(packhost_cmd({"trigger-instance", "get", out["id"]}).out);
    EXPECT_EQ(again["status"], "processed");
    EXPECT_EQ(packhost_cmd({"trigger-instance", "get", "nope"}).exit_code, 2);
}

TEST(SensorCommands, ListAndSwitchThePacksSensors) {
    auto list = packhost_cmd({"sensor", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    std::map<std::string, json> by_ref;
    for (const auto& s : json::parse(list.out)) by_ref[s["ref"]] = s;
    ASSERT_TRUE(by_ref.count("sensors.ticker")) << list.out;
    EXPECT_EQ(by_ref["sensors.ticker"]["poll_interval"], 1);
    EXPECT_EQ(by_ref["sensors.ticker"]["trigger_types"][0], "sensors.tick");
    EXPECT_EQ(by_ref["sensors.listener"]["enabled"], true);
    auto off = packhost_cmd({"sensor", "disable", "sensors.listener"});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    EXPECT_EQ(json::parse(off.out)["enabled"], false);
    auto text = packhost_cmd({"sensor", "list"});
    EXPECT_NE(text.out.find("passive"), std::string::npos) << text.out;
    for (const auto& s : json::parse(packhost_cmd({"sensor", "list", "--json"}).out)) {
        if (s["ref"] == "sensors.listener") {
            EXPECT_EQ(s["enabled"], false);
        }
    }
    EXPECT_EQ(packhost_cmd({"sensor", "enable", "sensors.nope"}).exit_code, 2);
}

// The rules engine with a real host (bundled and fixture packs, a SQLite
// store): a matching rule starts its action with parameters from the
// payload and records the enforcement; a rule that does not match records
// nothing; an unknown action, parameters that cannot be resolved and a
// pattern that fails to render are failed enforcements, the host fine;
// rules are indexed by trigger type; the dispatcher drains the queue.
#include "events/rules/engine.hpp"
#include "events/rules/rule_set.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "host.hpp"
#include "support/host_options.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using namespace packhost::events::rules;

namespace {

class RulesEngine : public ::testing::Test {
protected:
    void SetUp() override {
        HostOptions o = packhost::testing::fixture_host_options(dir_.path());
        o.scheduler.workers = 2;
        host_ = std::make_unique<Host>(o);
        engine_ = std::make_unique<Engine>(
            host_->registry(), host_->store(), host_->datastore(),
            [this](executions::Request r) { return host_->control().start(std::move(r))->id(); });
    }

    void add(const char* json) { engine_->add(Rule::parse(Json::parse(json), "test rule")); }

    Json wait_for(const std::string& id) {
        for (int i = 0; i < 500; ++i) {
            auto r = host_->control().record(id);
            if (r && r->end_us != 0) return r->result;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ADD_FAILURE() << "execution " << id << " did not end";
        return nullptr;
    }

    events::TriggerInstance instance(const std::string& trigger, Json payload) {
        return {"ti" + std::to_string(++n_), trigger, share(std::move(payload)), 1};
    }

    packhost::testing::TempDir dir_{"packhost-rules"};
    std::unique_ptr<Host> host_;
    std::unique_ptr<Engine> engine_;
    int n_ = 0;
};

}  // namespace

TEST_F(RulesEngine, AMatchingRuleRunsItsActionAndTheEnforcementIsRecorded) {
    add(R"({"name": "greet", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "criteria": {"trigger.body.who": {"type": "startswith", "pattern": "al"}},
            "action": {"ref": "core.local", "parameters": {"cmd": "echo hello {{ trigger.body.who }}"}}})");
    add(R"({"name": "other", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "criteria": {"trigger.body.who": {"type": "equals", "pattern": "nobody"}},
            "action": {"ref": "core.noop"}})");
    add(R"({"name": "off", "pack": "ops", "enabled": false, "trigger": {"type": "core.st2.webhook"},
            "action": {"ref": "core.noop"}})");
    auto ti = instance("core.st2.webhook", {{"body", {{"who", "alice"}}}});
    auto done = engine_->process(ti);
    ASSERT_EQ(done.size(), 1u) << "only the rule that matched, and not the disabled one";
    EXPECT_EQ(done[0].rule, "ops.greet");
    EXPECT_EQ(done[0].status(), "succeeded");
    EXPECT_EQ(done[0].trigger_instance_id, ti.id);
    EXPECT_EQ(wait_for(done[0].execution_id)["stdout"], "hello alice");
    auto record = host_->control().record(done[0].execution_id);
    EXPECT_EQ(record->context["rule"]["ref"], "ops.greet");
    EXPECT_EQ(record->context["trigger_instance"]["id"], ti.id);

    host_->store()->flush();
    auto stored = host_->store()->rule_enforcements({});
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].execution_id, done[0].execution_id);
    EXPECT_EQ(host_->store()->trigger_instance(ti.id)->status, "processed");
}

TEST_F(RulesEngine, FailuresAreFailedEnforcementsAndTheHostGoesOn) {
    add(R"({"name": "missing", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "action": {"ref": "nowhere.nothing"}})");
    add(R"({"name": "unresolvable", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "action": {"ref": "core.local", "parameters": {"cmd": "{{ trigger.body | nosuchfilter }}"}}})");
    add(R"({"name": "badpattern", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "criteria": {"trigger.body": {"type": "equals", "pattern": "{{ 1 / 0 }}"}},
            "action": {"ref": "core.noop"}})");
    auto done = engine_->process(instance("core.st2.webhook", {{"body", "x"}}));
    ASSERT_EQ(done.size(), 3u);
    EXPECT_EQ(done[0].failure_reason, "Action \"nowhere.nothing\" cannot be found.");
    EXPECT_NE(done[1].failure_reason.find("Failed to resolve parameters"), std::string::npos) << done[1].failure_reason;
    EXPECT_NE(done[2].failure_reason.find("Failed to render pattern value"), std::string::npos)
        << done[2].failure_reason;
    for (const auto& e : done) {
        EXPECT_EQ(e.status(), "failed");
        EXPECT_TRUE(e.execution_id.empty());
    }
}

TEST_F(RulesEngine, RulesAreIndexedByTriggerType) {
    for (int t = 0; t < 50; ++t) {
        for (int r = 0; r < 20; ++r) {
            Json rule = {{"name", std::string("r").append(std::to_string(t)).append("_").append(std::to_string(r))},
                         {"pack", "bulk"},
                         {"trigger", {{"type", "bulk.t" + std::to_string(t)}}},
                         {"action", {{"ref", "core.noop"}}}};
            engine_->add(Rule::parse(rule, "bulk"));
        }
    }
    EXPECT_EQ(engine_->size(), 1000u);
    EXPECT_EQ(engine_->rule_count("bulk.t7"), 20u);
    EXPECT_EQ(engine_->rule_count("core.st2.webhook"), 0u);
    EXPECT_TRUE(engine_->process(instance("core.st2.webhook", Json::object())).empty());
}

TEST_F(RulesEngine, AWebhookRuleSeesOnlyItsOwnUrlOthersWithoutParametersSeeAll) {
    add(R"({"name": "deploy", "pack": "ops", "trigger": {"type": "core.st2.webhook", "parameters": {"url": "/deploy/"}},
            "action": {"ref": "core.echo", "parameters": {"message": "deploy"}}})");
    add(R"({"name": "any", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "action": {"ref": "core.echo", "parameters": {"message": "any"}}})");
    auto webhook = [&](const std::string& url) {
        auto i = instance("core.st2.webhook", {{"url", url}, {"headers", Json::object()}, {"body", nullptr}});
        i.parameters = {{"url", url}};
        return engine_->process(i);
    };
    auto deploy = webhook("deploy");
    ASSERT_EQ(deploy.size(), 2u);  // the url's rule ("/deploy/" as StackStorm strips it) and the catch-all
    EXPECT_EQ(deploy[0].rule, "ops.any");
    EXPECT_EQ(deploy[1].rule, "ops.deploy");
    auto other = webhook("other");
    ASSERT_EQ(other.size(), 1u);
    EXPECT_EQ(other[0].rule, "ops.any");
    EXPECT_EQ(engine_->rule_count("core.st2.webhook"), 2u);
}

TEST_F(RulesEngine, AFailedExecutionFiresAnActionTriggerThatARuleActsOn) {
    add(R"({"name": "on_failure", "pack": "ops", "trigger": {"type": "core.st2.generic.actiontrigger"},
            "criteria": {"trigger.status": {"type": "equals", "pattern": "failed"},
                         "trigger.action_ref": {"type": "equals", "pattern": "core.local"}},
            "action": {"ref": "core.echo", "parameters": {"message": "{{ trigger.action_ref }} {{ trigger.execution_id }} {{ trigger.result.return_code }}"}}})");
    host_->set_wanted_system_triggers(engine_->listened_types());
    Dispatcher dispatcher(*engine_, host_->triggers());
    executions::Request r;
    r.action = "core.local";
    r.parameters = {{"cmd", "exit 3"}};
    auto failed = host_->control().start(std::move(r))->id();
    Json fired;
    for (int i = 0; i < 500 && fired.is_null(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        host_->store()->flush();
        for (const auto& e : host_->store()->rule_enforcements({std::string("ops.on_failure"), std::nullopt, 10})) {
            fired = wait_for(e.execution_id);
        }
    }
    EXPECT_EQ(fired["message"], "core.local " + failed + " 3");
    // The instance is StackStorm's action sensor payload.
    store::TriggerInstanceFilter f;
    f.trigger = "core.st2.generic.actiontrigger";
    auto instances = host_->store()->trigger_instances(f);
    ASSERT_GE(instances.size(), 1u);
    const auto& p = *instances.back().payload;  // the oldest: the failed one's
    EXPECT_EQ(p["execution_id"], failed);
    EXPECT_EQ(p["status"], "failed");
    EXPECT_EQ(p["action_name"], "core.local");
    EXPECT_EQ(p["runner_ref"], "local-shell-cmd");
    EXPECT_EQ(p["parameters"]["cmd"], "exit 3");
    EXPECT_TRUE(p["start_timestamp"].is_string());
}

TEST_F(RulesEngine, DatastoreChangesFireTheKeyValuePairTriggersRulesListenTo) {
    add(R"({"name": "changed", "pack": "ops", "trigger": {"type": "core.st2.key_value_pair.value_change"},
            "action": {"ref": "core.echo", "parameters": {"message": "{{ trigger.old_object.name }}: {{ trigger.old_object.value }} -> {{ trigger.new_object.value }}"}}})");
    add(R"({"name": "deleted", "pack": "ops", "trigger": {"type": "core.st2.key_value_pair.delete"},
            "action": {"ref": "core.echo", "parameters": {"message": "gone {{ trigger.object.name }}"}}})");
    host_->set_wanted_system_triggers(engine_->listened_types());
    auto& kv = *host_->datastore();
    kv.set("release", "1.0", {}, {});
    kv.set("release", "1.0", {}, {});  // an update with the same value: no value_change
    kv.set("release", "1.1", {}, {});
    kv.remove("release", {});
    std::vector<std::string> messages;
    for (const auto& instance : host_->triggers().drain()) {
        for (const auto& e : engine_->process(instance)) messages.push_back(wait_for(e.execution_id)["message"]);
    }
    EXPECT_EQ(messages, (std::vector<std::string>{"release: 1.0 -> 1.1", "gone release"}));
    // Only what a rule listens to is emitted: no create, no update.
    host_->store()->flush();
    store::TriggerInstanceFilter f;
    f.trigger = "core.st2.key_value_pair.create";
    EXPECT_TRUE(host_->store()->trigger_instances(f).empty());
}

TEST_F(RulesEngine, NoActionTriggersAreRecordedWhileNoRuleListens) {
    executions::Request r;
    r.action = "core.noop";
    host_->control().start(std::move(r))->wait();
    host_->store()->flush();
    store::TriggerInstanceFilter f;
    f.trigger = "core.st2.generic.actiontrigger";
    EXPECT_TRUE(host_->store()->trigger_instances(f).empty());
}

TEST_F(RulesEngine, TheDispatcherRunsRulesOnEmittedTriggers) {
    add(R"({"name": "echo", "pack": "ops", "trigger": {"type": "core.st2.webhook"},
            "action": {"ref": "core.echo", "parameters": {"message": "{{ trigger.body.n }}"}}})");
    Dispatcher dispatcher(*engine_, host_->triggers());
    auto emitted =
        host_->emit_trigger("core.st2.webhook", {{"url", "x"}, {"headers", Json::object()}, {"body", {{"n", 5}}}});
    ASSERT_EQ(emitted.outcome, Host::Emitted::Outcome::queued);
    auto id = std::optional<std::string>(emitted.id);
    std::vector<store::RuleEnforcementRecord> found;
    for (int i = 0; i < 300 && found.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        host_->store()->flush();
        found = host_->store()->rule_enforcements({std::nullopt, *id, 10});
    }
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(wait_for(found[0].execution_id)["message"], "5");
    // Recorded pending before it was queued, so the engine's "processed" is what stays.
    host_->store()->flush();
    EXPECT_EQ(host_->store()->trigger_instance(*id)->status, "processed");
}

TEST(PackRules, ReadFromEachPacksRulesFolderBadOnesLeftOutWithTheReason) {
    packhost::testing::TempDir dir("packhost-pack-rules");
    std::filesystem::create_directories(dir.path() / "rules");
    auto write = [&](const char* name, const char* text) { std::ofstream(dir.path() / "rules" / name) << text; };
    write("a.yaml", "name: a\ntrigger: {type: core.st2.webhook}\naction: {ref: core.noop}\n");
    write("b.yaml", "name: b\npack: elsewhere\ntrigger: {type: core.st2.webhook}\naction: {ref: core.noop}\n");
    write("c.yaml", "name: c\ntrigger: [unclosed\n");
    write("notes.txt", "not a rule");
    std::vector<std::string> problems;
    auto rules = read_pack_rules(dir.path(), "mypack", problems);
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].ref(), "mypack.a");
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("b.yaml: pack: 'elsewhere', but the rule is in pack 'mypack'"), std::string::npos)
        << problems[0];
    EXPECT_NE(problems[1].find("c.yaml:"), std::string::npos) << problems[1];
}

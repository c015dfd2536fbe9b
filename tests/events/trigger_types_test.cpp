// Trigger types: StackStorm's system ones with their schemas, a pack's from
// triggers/*.yaml and from its sensors' trigger_types (a broken one left
// out with the file named), payloads checked against their schema, and a
// host that records a payload failing it as rejected instead of acting on it.
#include "events/trigger_types.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.hpp"
#include "host.hpp"
#include "support/host_options.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using packhost::events::TriggerTypes;

namespace {

void write(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

TEST(TriggerTypes, StackStormsSystemTypesAreKnownWithTheirSchemas) {
    TriggerTypes types;
    for (const char* ref :
         {"core.st2.webhook", "core.st2.IntervalTimer", "core.st2.DateTimer", "core.st2.CronTimer",
          "core.st2.generic.actiontrigger", "core.st2.generic.notifytrigger", "core.st2.key_value_pair.create",
          "core.st2.key_value_pair.update", "core.st2.key_value_pair.value_change", "core.st2.key_value_pair.delete",
          "core.st2.sensor.process_spawn", "core.st2.sensor.process_exit"}) {
        ASSERT_TRUE(types.contains(ref)) << ref;
        EXPECT_EQ(types.find(ref)->source, "system");
    }
    auto webhook = types.find("core.st2.webhook")->to_json();
    EXPECT_EQ(webhook["pack"], "core");
    EXPECT_EQ(webhook["name"], "st2.webhook");
    EXPECT_EQ(webhook["parameters_schema"]["properties"]["url"]["required"], true);
    auto cron = types.find("core.st2.CronTimer")->to_json();
    EXPECT_TRUE(cron["parameters_schema"]["properties"].contains("day_of_week"));
    EXPECT_THROW(types.add(events::TriggerType{"core", "st2.webhook", "", nullptr, nullptr, "mine", {}}),
                 core::ValidationError);
}

TEST(TriggerTypes, APayloadIsCheckedAgainstItsSchema) {
    TriggerTypes types;
    events::TriggerType t;
    t.pack = "ops";
    t.name = "deploy";
    t.source = "test";
    t.payload_schema = Json::parse(R"({"type": "object", "properties": {
        "service": {"type": "string", "required": true}, "replicas": {"type": "integer", "default": 1}}})");
    types.add(t);
    const auto& type = *types.find("ops.deploy");
    Json good = {{"service", "api"}};
    EXPECT_TRUE(TriggerTypes::check_payload(type, good).empty());
    EXPECT_EQ(good["replicas"], 1);  // defaults filled in
    Json missing = {{"replicas", 2}};
    auto problems = TriggerTypes::check_payload(type, missing);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("service"), std::string::npos) << problems[0];
    Json wrong = {{"service", "api"}, {"replicas", "many"}};
    EXPECT_EQ(TriggerTypes::check_payload(type, wrong).size(), 1u);
    Json not_object = Json::array();
    EXPECT_EQ(TriggerTypes::check_payload(type, not_object).size(), 1u);
}

TEST(TriggerTypes, APacksTypesComeFromTriggersAndSensorsYamlBadOnesNamed) {
    packhost::testing::TempDir dir("packhost-trigger-types");
    auto pack = dir.path() / "ops";
    write(pack / "triggers" / "deploy.yaml", "name: deploy\ndescription: A deploy.\npayload_schema: {type: object}\n");
    write(pack / "triggers" / "wrong_pack.yaml", "name: other\npack: elsewhere\n");
    write(pack / "triggers" / "broken.yaml", "name: [unclosed\n");
    write(pack / "sensors" / "watch.yaml",
          "class_name: Watch\nentry_point: watch.py\ntrigger_types:\n"
          "  - name: file_changed\n    payload_schema: {type: object, properties: {path: {type: string}}}\n"
          "  - description: no name\n");
    std::vector<std::string> problems;
    auto types = events::read_pack_trigger_types(pack, "ops", problems);
    ASSERT_EQ(types.size(), 2u);
    EXPECT_EQ(types[0].ref(), "ops.deploy");
    EXPECT_EQ(types[1].ref(), "ops.file_changed");
    EXPECT_EQ(types[1].payload_schema["properties"]["path"]["type"], "string");
    ASSERT_EQ(problems.size(), 3u);
    auto all = problems[0] + "\n" + problems[1] + "\n" + problems[2];
    EXPECT_NE(all.find("broken.yaml:2"), std::string::npos) << all;
    EXPECT_NE(all.find("wrong_pack.yaml: pack: must be 'ops'"), std::string::npos) << all;
    EXPECT_NE(all.find("watch.yaml: trigger_types[1]: name: required"), std::string::npos) << all;
}

TEST(TriggerTypes, AWebhooksUrlIsComparedWithoutItsSlashes) {
    EXPECT_EQ(events::normalized_trigger_parameters("core.st2.webhook", {{"url", "/a/b/"}}), Json({{"url", "a/b"}}));
    EXPECT_EQ(events::normalized_trigger_parameters("ops.x", {{"url", "/a/"}}), Json({{"url", "/a/"}}));
}

TEST(TriggerTypes, TheHostRecordsAPayloadFailingItsSchemaAsRejectedAndQueuesNothing) {
    packhost::testing::TempDir dir("packhost-trigger-reject");
    Host host(packhost::testing::fixture_host_options(dir.path()));
    ASSERT_TRUE(host.trigger_types().contains("flows.deploy_requested"));
    auto bad = host.emit_trigger("flows.deploy_requested", {{"replicas", "two"}});
    EXPECT_EQ(bad.outcome, Host::Emitted::Outcome::rejected);
    EXPECT_NE(bad.reason.find("service"), std::string::npos) << bad.reason;
    EXPECT_EQ(host.triggers().size(), 0u);
    auto good = host.emit_trigger("flows.deploy_requested", {{"service", "api"}});
    EXPECT_EQ(good.outcome, Host::Emitted::Outcome::queued);
    EXPECT_EQ(host.triggers().size(), 1u);
    host.store()->flush();
    auto recorded = host.store()->trigger_instance(bad.id);
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->status, "rejected");
    EXPECT_EQ(recorded->reason, bad.reason);
    EXPECT_EQ((*host.store()->trigger_instance(good.id)->payload)["replicas"], 1);
    EXPECT_THROW(host.emit_trigger("flows.nope", Json::object()), core::NotFound);
}

// packhost alias list|get|match|parse over the fixture `chat` pack and the
// bundled core aliases: the JSON shapes, StackStorm's messages on stderr, and
// the exit statuses (0 a match, 1 none, 2 a bad format or alias).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

using namespace packhost::testing;
using json = nlohmann::json;

namespace {

TEST(AliasCommands, ParsePrintsTheExtractedStrings) {
    auto r = packhost_cmd(
        {"alias", "parse", "run {{cmd}} on {{hosts=localhost}}", "run date on web1 timeout=120", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), json::parse(R"({"cmd": "date", "hosts": "web1", "timeout": "120"})"));
    r = packhost_cmd({"alias", "parse", "greet {{name}}", "greet \"Zoë Ångström\""});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "name: Zoë Ångström\n");
}

TEST(AliasCommands, ParseSaysWhyAMessageDoesNotMatch) {
    auto r = packhost_cmd({"alias", "parse", "foo bar ponies", "foo lulz ponies"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "Command \"foo lulz ponies\" doesn't match format string \"foo bar ponies\"\n");
    r = packhost_cmd({"alias", "parse", "run (broken {{cmd}}", "run x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is not a valid regular expression"), std::string::npos) << r.err;
}

TEST(AliasCommands, ListShowsThePacksAliasesAndWhatWasLeftOut) {
    auto r = packhost_cmd({"alias", "list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto all = json::parse(r.out);
    std::set<std::string> refs;
    for (const auto& a : all) refs.insert(a["ref"].get<std::string>());
    for (const char* ref : {"core.echo", "chat.deploy", "chat.tickets", "chat.hidden"}) {
        EXPECT_TRUE(refs.count(ref)) << ref << " missing from " << r.out;
    }
    EXPECT_NE(r.err.find("zz_broken.yaml: action_ref: required"), std::string::npos) << r.err;
    r = packhost_cmd({"alias", "get", "chat.deploy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["immutable_parameters"], json::parse(R"({"stage": "{{ 'pr' ~ 'od' }}"})"));
}

TEST(AliasCommands, MatchNamesTheAliasAndTheCastParameters) {
    auto r = packhost_cmd({"alias", "match", "deploy web to a, b count=2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto m = json::parse(r.out);
    EXPECT_EQ(m["actionalias"]["ref"], "chat.deploy");
    EXPECT_EQ(m["display"], "deploy {{app}} to {{hosts=localhost}}");
    EXPECT_EQ(m["action_ref"], "chat.deploy");
    EXPECT_EQ(m["parameters"], json::parse(R"({"app": "web", "hosts": ["a", "b"], "count": 2, "stage": "prod"})"));
    r = packhost_cmd({"alias", "match", "echo hello there"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("alias: core.echo"), std::string::npos) << r.out;
}

TEST(AliasCommands, MatchRefusesAmbiguityAndNothing) {
    auto r = packhost_cmd({"alias", "match", "status green"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Command 'status green' matched more than 1 pattern"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("chat.status_a"), std::string::npos) << r.err;
    r = packhost_cmd({"alias", "match", "make me a sandwich"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Command 'make me a sandwich' matched no patterns"), std::string::npos) << r.err;
    r = packhost_cmd({"alias", "match", "ship web xlots"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("parameter 'count': cannot convert \"lots\" to an integer"), std::string::npos) << r.err;
}

}  // namespace

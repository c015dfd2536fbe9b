// Aliases as a pack ships them (the `chat` fixture pack): reading the YAML
// with clear errors, StackStorm's choice of one alias per command, and the
// parameters a command runs its action with.
#include "chatops/aliases/alias_index.hpp"

#include <gtest/gtest.h>

#include "actions/parameters.hpp"
#include "chatops/aliases/alias_parameters.hpp"
#include "core/errors.hpp"

namespace packhost::chatops::aliases {
namespace {

const std::filesystem::path kChatPack = std::filesystem::path(FIXTURE_PACKS_DIR) / "chat";

AliasIndex chat_index(std::vector<std::string>& problems) {
    return AliasIndex(read_pack_aliases(kChatPack, "chat", problems), problems);
}

TEST(Aliases, AnAliasFileWithMistakesIsLeftOutNamingEachOne) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("zz_broken.yaml: colour: not a known key of an action alias"), std::string::npos)
        << problems[0];
    EXPECT_NE(problems[1].find("zz_broken.yaml: action_ref: required"), std::string::npos) << problems[1];
    EXPECT_EQ(index.aliases().size(), 8u);
    ASSERT_NE(index.find("chat.deploy"), nullptr);
    EXPECT_EQ(index.find("chat.broken"), nullptr);
}

TEST(Aliases, ParseChecksEveryField) {
    Json doc = Json::parse(R"({"name": "x", "pack": "p", "action_ref": "noref", "enabled": "yes",
        "formats": ["a", 5, {"display": "d", "representation": [1], "match_multiple": "no", "color": 1}],
        "ack": {"enabled": 1, "format": 2}, "result": [], "immutable_parameters": {"format": 5}})");
    try {
        Alias::parse(doc, "x.yaml");
        FAIL() << "parsed";
    } catch (const core::ValidationError& e) {
        std::string all = e.what();
        for (const char* want :
             {"action_ref: 'noref' is not an action ref", "enabled: must be true or false",
              "formats[1]: must be a string or {display, representation, match_multiple}",
              "formats[2].color: not a known key", "formats[2].representation[0]: must be a string",
              "formats[2].match_multiple: must be true or false", "ack.enabled: must be true or false",
              "ack.format: must be a string", "result: must be a mapping"}) {
            EXPECT_NE(all.find(want), std::string::npos) << want << "\nin: " << all;
        }
        EXPECT_EQ(all.find("immutable_parameters.format"), std::string::npos) << all;
    }
}

TEST(Aliases, OneCommandOneAlias) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    auto m = index.match(FormatParser::prepare("deploy web to a, b"));
    EXPECT_EQ(m.alias->ref(), "chat.deploy");
    EXPECT_EQ(m.display(), "deploy {{app}} to {{hosts=localhost}}");
    m = index.match(FormatParser::prepare("ship web x3"));
    EXPECT_EQ(m.display(), "ship APP [xCOUNT]");
    EXPECT_EQ(*m.representation, "ship {{app}}( x{{count}})?");
}

TEST(Aliases, TwoMatchesOrNoneAreStackStormsErrors) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    try {
        index.match(FormatParser::prepare("status green"));
        FAIL() << "matched one";
    } catch (const AmbiguousCommand& e) {
        EXPECT_STREQ(e.what(), "Command 'status green' matched more than 1 pattern");
        EXPECT_EQ(e.matches.size(), 2u);
    }
    try {
        index.match(FormatParser::prepare("secret plans"));  // the alias that matches is disabled
        FAIL() << "matched a disabled alias";
    } catch (const AmbiguousCommand& e) {
        EXPECT_STREQ(e.what(), "Command 'secret plans' matched no patterns");
        EXPECT_TRUE(e.matches.empty());
    }
}

TEST(Aliases, MatchMultipleComesLastAndRunsOncePerOccurrence) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    auto command = FormatParser::prepare("what about OPS-12 and DEV-7?");
    auto m = index.match(command);
    EXPECT_EQ(m.alias->ref(), "chat.tickets");
    expr::TemplateCache cache;
    auto sets = alias_parameters(m, command, nullptr, {}, cache);
    ASSERT_EQ(sets.size(), 2u);
    EXPECT_EQ(sets[0], Json::parse(R"({"ticket": "OPS-12"})"));
    EXPECT_EQ(sets[1], Json::parse(R"({"ticket": "DEV-7"})"));
}

actions::ParameterSpec deploy_spec() {
    return actions::ParameterSpec::compile(Json::parse(R"({"type": "object", "properties": {
        "app": {"type": "string"}, "count": {"type": "integer"}, "hosts": {"type": "array"},
        "stage": {"type": "string"}, "ids": {"type": "array", "items": {"type": "integer"}}}})"),
                                           "chat.deploy");
}

TEST(Aliases, ValuesAreCastByTheActionsTypesAndImmutablesAdded) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    auto spec = deploy_spec();
    expr::TemplateCache cache;
    auto command = FormatParser::prepare("deploy web to web1, web2 count=3");
    auto sets = alias_parameters(index.match(command), command, &spec, {}, cache);
    ASSERT_EQ(sets.size(), 1u);
    EXPECT_EQ(sets[0], Json::parse(R"({"app": "web", "hosts": ["web1", "web2"], "count": 3, "stage": "prod"})"));
    // A group that took no part is left to the action's default.
    command = FormatParser::prepare("ship api");
    sets = alias_parameters(index.match(command), command, &spec, {}, cache);
    EXPECT_EQ(sets[0], Json::parse(R"({"app": "api", "stage": "prod"})"));
}

TEST(Aliases, AMessageCannotSetAnImmutableParameterOrAWrongType) {
    std::vector<std::string> problems;
    auto index = chat_index(problems);
    auto spec = deploy_spec();
    expr::TemplateCache cache;
    auto command = FormatParser::prepare("deploy web to h1 stage=staging");
    try {
        alias_parameters(index.match(command), command, &spec, {}, cache);
        FAIL() << "overrode";
    } catch (const core::ValidationError& e) {
        EXPECT_STREQ(e.what(), "Immutable arguments cannot be overriden: stage");
    }
    command = FormatParser::prepare("ship web xmany");
    try {
        alias_parameters(index.match(command), command, &spec, {}, cache);
        FAIL() << "cast";
    } catch (const core::ValidationError& e) {
        EXPECT_STREQ(e.what(), R"(parameter 'count': cannot convert "many" to an integer)");
    }
}

TEST(Aliases, ArraysAreCommaSeparatedAndTheirItemsCast) {
    auto spec = deploy_spec();
    EXPECT_EQ(cast_alias_value("ids", "1, 2,3", &spec), Json::parse("[1, 2, 3]"));
    EXPECT_EQ(cast_alias_value("hosts", "[a, b]", &spec), Json::parse(R"(["[a", "b]"])"));  // as StackStorm
    EXPECT_EQ(cast_alias_value("app", "a, b", &spec), Json("a, b"));
    EXPECT_EQ(cast_alias_value("undeclared", "7", &spec), Json("7"));
}

TEST(Aliases, ImmutableTemplatesSeeTheContextAndTheDatastore) {
    Alias alias;
    alias.name = "who";
    alias.pack = "p";
    alias.action_ref = "core.echo";
    alias.formats.push_back({"who", {"who"}, false});
    alias.immutable_parameters = Json::parse(R"({"message": "{{ user }} in {{ source_channel }}", "n": 2})");
    std::vector<std::string> problems;
    AliasIndex index({alias}, problems);
    auto command = FormatParser::prepare("who");
    ImmutableScope scope;
    scope.context = Json::parse(R"({"user": "alice", "source_channel": "#ops"})");
    expr::TemplateCache cache;
    auto sets = alias_parameters(index.match(command), command, nullptr, scope, cache);
    EXPECT_EQ(sets[0], Json::parse(R"({"message": "alice in #ops", "n": 2})"));
}

}  // namespace
}  // namespace packhost::chatops::aliases

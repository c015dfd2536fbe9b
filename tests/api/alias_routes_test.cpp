// /api/v1/actionalias... on a real host and socket: the fixture chat pack's
// aliases (two that match the same command, a disabled one, a broken one)
// as StackStorm's API lists them, matches a command and gives help.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>

#include "api/rest_fixture.hpp"

using packhost::testing::RestApiTest;
using json = packhost::Json;

namespace {

std::vector<std::string> refs_of(const json& aliases) {
    std::vector<std::string> out;
    for (const auto& a : aliases) out.push_back(a["ref"].get<std::string>());
    return out;
}

}  // namespace

TEST_F(RestApiTest, AliasesAreListedAndGotAsStackStormShowsThem) {
    auto all = client_->Get("/api/v1/actionalias", auth());
    ASSERT_EQ(all->status, 200);
    auto refs = refs_of(json::parse(all->body));
    EXPECT_NE(std::find(refs.begin(), refs.end(), "core.echo"), refs.end());
    EXPECT_NE(std::find(refs.begin(), refs.end(), "chat.hidden"), refs.end()) << "disabled ones are listed too";
    EXPECT_EQ(std::find(refs.begin(), refs.end(), "chat.broken"), refs.end()) << "a broken alias is left out";

    auto chat = client_->Get("/api/v1/actionalias?pack=chat", auth());
    ASSERT_EQ(chat->status, 200);
    for (const auto& a : json::parse(chat->body)) EXPECT_EQ(a["pack"], "chat");

    auto deploy = client_->Get("/api/v1/actionalias/chat.deploy", auth());
    ASSERT_EQ(deploy->status, 200);
    auto d = json::parse(deploy->body);
    EXPECT_EQ(d["action_ref"], "chat.deploy");
    EXPECT_EQ(d["formats"][0], "deploy {{app}} to {{hosts=localhost}}");
    EXPECT_EQ(d["formats"][1]["display"], "ship APP [xCOUNT]");

    auto missing = client_->Get("/api/v1/actionalias/chat.nope", auth());
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(fault(missing), "ActionAlias \"chat.nope\" cannot be found.");
    EXPECT_EQ(client_->Get("/api/v1/actionalias")->status, 401);
}

TEST_F(RestApiTest, ACommandIsMatchedAsStackStormMatchesIt) {
    auto matched = post("/api/v1/actionalias/match", {{"command", "ship web x3"}});
    ASSERT_EQ(matched->status, 200) << matched->body;
    auto m = json::parse(matched->body);
    EXPECT_EQ(m["actionalias"]["ref"], "chat.deploy");
    EXPECT_EQ(m["display"], "ship APP [xCOUNT]");
    EXPECT_EQ(m["representation"], "ship {{app}}( x{{count}})?");

    auto two = post("/api/v1/actionalias/match", {{"command", "status all good"}});
    EXPECT_EQ(two->status, 400);
    EXPECT_EQ(fault(two), "Command 'status all good' matched more than 1 pattern");
    auto none = post("/api/v1/actionalias/match", {{"command", "secret plans"}});  // its alias is disabled
    EXPECT_EQ(none->status, 400);
    EXPECT_EQ(fault(none), "Command 'secret plans' matched no patterns");

    EXPECT_EQ(post("/api/v1/actionalias/match", json::object())->status, 400);
    EXPECT_EQ(post("/api/v1/actionalias/match", {{"command", 42}})->status, 400);
    auto not_json = client_->Post("/api/v1/actionalias/match", auth(), "command=x", "text/plain");
    EXPECT_EQ(not_json->status, 415);
    EXPECT_EQ(client_->Get("/api/v1/actionalias/match", auth())->status, 404) << "GET reads it as an alias's ref";
}

TEST_F(RestApiTest, HelpListsEnabledDisplaysAFilterFinds) {
    auto help = [&](const std::string& query) {
        auto r = client_->Get("/api/v1/actionalias/help?" + query, auth());
        EXPECT_EQ(r->status, 200) << r->body;
        return json::parse(r->body);
    };
    auto deploys = help("pack=chat&filter=DEPLOY%7Cship");  // a case-insensitive regular expression
    EXPECT_EQ(deploys["available"], 2);
    ASSERT_EQ(deploys["helpstrings"].size(), 2u);
    EXPECT_EQ(deploys["helpstrings"][0],
              json::parse(R"({"pack": "chat", "display": "deploy {{app}} to {{hosts=localhost}}",
                              "description": "Deploy an app to hosts"})"));
    EXPECT_EQ(deploys["helpstrings"][1]["display"], "ship APP [xCOUNT]");
    // A page of them; `available` still counts them all.
    auto second = help("pack=chat&filter=deploy%7Cship&limit=1&offset=1");
    EXPECT_EQ(second["available"], 2);
    ASSERT_EQ(second["helpstrings"].size(), 1u);
    EXPECT_EQ(second["helpstrings"][0]["display"], "ship APP [xCOUNT]");
    EXPECT_EQ(help("filter=secret")["available"], 0) << "a disabled alias gives no help";
    auto past = help("pack=chat&filter=deploy%7Cship&limit=5&offset=18446744073709551615");
    EXPECT_EQ(past["available"], 2);
    EXPECT_TRUE(past["helpstrings"].empty()) << past.dump();
    EXPECT_EQ(help("pack=core&filter=%5Eecho")["helpstrings"][0]["display"], "echo {{message}}");

    auto bad = client_->Get("/api/v1/actionalias/help?filter=(", auth());
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(fault(bad).find("filter: "), std::string::npos) << fault(bad);
}

namespace {

// A pack whose alias has a display that is not UTF-8: its format does not
// compile (it is left out of matching), the alias itself is still listed.
class RestApiWithABadAlias : public RestApiTest {
protected:
    RestApiWithABadAlias() : packs_("packhost-bad-alias") {
        auto dir = packs_.path() / "latin1";
        std::filesystem::create_directories(dir / "aliases");
        std::ofstream(dir / "pack.yaml") << "ref: latin1\nname: latin1\ndescription: x\nversion: 0.1.0\nauthor: t\n";
        std::ofstream(dir / "aliases" / "cafe.yaml")
            << "name: cafe\naction_ref: core.echo\nformats: [\"caf\xe9 {{m}}\"]\n";
        more_packs_.push_back(packs_.path());
    }
    packhost::testing::TempDir packs_;
};

}  // namespace

TEST_F(RestApiWithABadAlias, HelpPassesOverADisplayItsFilterCannotRead) {
    auto r = client_->Get("/api/v1/actionalias/help?filter=caf", auth());
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["available"], 0);
    auto all = client_->Get("/api/v1/actionalias/help?pack=latin1", auth());  // no filter: nothing to read it with
    ASSERT_EQ(all->status, 200) << all->body;
    EXPECT_EQ(json::parse(all->body)["available"], 1);
}

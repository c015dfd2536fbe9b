// The datastore over HTTP as StackStorm's /api/v1/keys serves it: set, read,
// list, delete; secrets encrypted unless ?decrypt=true; user scope per user.
#include "api/rest_fixture.hpp"

using namespace packhost;
using packhost::testing::RestApiTest;

namespace {

httplib::Result put_key(httplib::Client& c, const httplib::Headers& h, const std::string& name, const Json& body) {
    return c.Put("/api/v1/keys/" + name, h, body.dump(), "application/json");
}

}  // namespace

TEST_F(RestApiTest, KeysAreSetReadListedAndDeleted) {
    auto set = put_key(*client_, auth(), "region", {{"value", "eu-west"}});
    ASSERT_EQ(set->status, 200) << set->body;
    auto kv = Json::parse(set->body);
    EXPECT_EQ(kv["name"], "region");
    EXPECT_EQ(kv["value"], "eu-west");
    EXPECT_EQ(kv["scope"], "system");
    EXPECT_EQ(kv["secret"], false);

    auto get = client_->Get("/api/v1/keys/region", auth());
    ASSERT_EQ(get->status, 200);
    EXPECT_EQ(Json::parse(get->body)["value"], "eu-west");
    // The same key through the host's own datastore (templates, packs see it).
    EXPECT_EQ(host_->datastore()->get("region", {"system", "", false})->value, "eu-west");

    put_key(*client_, auth(), "region_backup", {{"value", "eu-north"}, {"ttl", 3600}});
    auto list = client_->Get("/api/v1/keys?prefix=region", auth());
    ASSERT_EQ(list->status, 200);
    auto all = Json::parse(list->body);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1]["name"], "region_backup");
    EXPECT_TRUE(all[1]["expire_timestamp"].is_string());

    auto del = client_->Delete("/api/v1/keys/region", auth());
    EXPECT_EQ(del->status, 204);
    EXPECT_TRUE(del->body.empty());
    auto gone = client_->Get("/api/v1/keys/region", auth());
    EXPECT_EQ(gone->status, 404);
    EXPECT_EQ(fault(gone), "Key with name: region and scope: system not found!");
    EXPECT_EQ(client_->Delete("/api/v1/keys/region", auth())->status, 404);
}

TEST_F(RestApiTest, SecretsStayEncryptedUnlessDecryptIsAsked) {
    auto set = put_key(*client_, auth(), "db_password", {{"value", "hunter2"}, {"secret", true}});
    ASSERT_EQ(set->status, 200) << set->body;
    EXPECT_EQ(set->body.find("hunter2"), std::string::npos) << set->body;

    auto masked = Json::parse(client_->Get("/api/v1/keys/db_password", auth())->body);
    EXPECT_EQ(masked["secret"], true);
    EXPECT_NE(masked["value"], "hunter2");
    auto listed = client_->Get("/api/v1/keys", auth())->body;
    EXPECT_EQ(listed.find("hunter2"), std::string::npos);

    auto plain = Json::parse(client_->Get("/api/v1/keys/db_password?decrypt=true", auth())->body);
    EXPECT_EQ(plain["value"], "hunter2");
    EXPECT_EQ(client_->Get("/api/v1/keys/db_password?decrypt=maybe", auth())->status, 400);
}

TEST_F(RestApiTest, UserScopedKeysBelongToTheKeysUser) {
    std::string bob = api::ApiKeys(*host_->store()).create("bob's", "bob").key;
    auto set = put_key(*client_, auth(), "editor", {{"value", "vim"}, {"scope", "st2kv.user"}});
    ASSERT_EQ(set->status, 200) << set->body;
    EXPECT_EQ(Json::parse(set->body)["user"], "alice");
    EXPECT_EQ(Json::parse(client_->Get("/api/v1/keys/editor?scope=user", auth())->body)["value"], "vim");
    // Bob has no such key of his own, and system scope has none either.
    EXPECT_EQ(client_->Get("/api/v1/keys/editor?scope=user", httplib::Headers{{"St2-Api-Key", bob}})->status, 404);
    EXPECT_EQ(client_->Get("/api/v1/keys/editor", auth())->status, 404);
}

TEST_F(RestApiTest, BadKeyRequestsSayWhatIsWrong) {
    EXPECT_EQ(put_key(*client_, auth(), "k", {{"value", 5}})->status, 400);
    EXPECT_EQ(put_key(*client_, auth(), "k", {{"no_value", "x"}})->status, 400);
    EXPECT_EQ(put_key(*client_, auth(), "k", {{"value", "x"}, {"ttl", -1}})->status, 400);
    EXPECT_EQ(put_key(*client_, auth(), "k", {{"value", "x"}, {"secret", "yes"}})->status, 400);
    auto scope = put_key(*client_, auth(), "k", {{"value", "x"}, {"scope", "global"}});
    EXPECT_EQ(scope->status, 400);
    EXPECT_EQ(fault(scope), "scope must be 'system' or 'user', got 'global'");
    EXPECT_EQ(client_->Put("/api/v1/keys/k", auth(), "value=x", "text/plain")->status, 415);
    EXPECT_EQ(client_->Get("/api/v1/keys/k", httplib::Headers{})->status, 401);
}

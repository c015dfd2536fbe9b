// Webhooks as StackStorm's /api/v1/webhooks/{name}: any POST becomes a
// core.st2.webhook trigger instance (url, headers, body), stored and listed
// at /api/v1/triggerinstances; a webhook with a secret must be signed as
// GitHub signs (X-Hub-Signature-256).
#include "api/rest_fixture.hpp"
#include "api/webhook_signature.hpp"

using namespace packhost;
using packhost::testing::RestApiTest;

TEST_F(RestApiTest, AWebhookBecomesAStoredTriggerInstance) {
    auto h = auth();
    h.emplace("X-GitHub-Event", "push");
    auto r = client_->Post("/api/v1/webhooks/deploy", h, R"({"ref": "refs/heads/main", "commits": [1, 2]})",
                           "application/json");
    ASSERT_EQ(r->status, 202) << r->body;
    auto accepted = Json::parse(r->body);
    std::string id = accepted["id"];
    EXPECT_EQ(accepted["trigger"], "core.st2.webhook");

    auto got = client_->Get("/api/v1/triggerinstances/" + id, auth());
    ASSERT_EQ(got->status, 200) << got->body;
    auto t = Json::parse(got->body);
    EXPECT_EQ(t["trigger"], "core.st2.webhook");
    EXPECT_EQ(t["status"], "pending");
    EXPECT_EQ(t["payload"]["url"], "deploy");
    EXPECT_EQ(t["payload"]["body"]["ref"], "refs/heads/main");
    EXPECT_EQ(t["payload"]["headers"]["x-github-event"], "push");
    // The caller's credentials are not kept with the event.
    EXPECT_FALSE(t["payload"]["headers"].contains("st2-api-key"));
    EXPECT_TRUE(t["occurrence_time"].is_string());

    // Forms and empty bodies too; each a new instance, newest first.
    auto form = client_->Post("/api/v1/webhooks/form", auth(), "a=1&b=two+words", "application/x-www-form-urlencoded");
    ASSERT_EQ(form->status, 202);
    auto empty = client_->Post("/api/v1/webhooks/ping", auth(), "", "application/json");
    ASSERT_EQ(empty->status, 202);
    auto list = client_->Get("/api/v1/triggerinstances?trigger=core.st2.webhook", auth());
    ASSERT_EQ(list->status, 200);
    auto all = Json::parse(list->body);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0]["payload"]["url"], "ping");
    EXPECT_TRUE(all[0]["payload"]["body"].is_null());
    EXPECT_EQ(all[1]["payload"]["body"]["b"], "two words");
    EXPECT_EQ(Json::parse(client_->Get("/api/v1/triggerinstances?limit=1&offset=2", auth())->body)[0]["id"], id);

    // They survive the host: a new one on the same store lists them.
    server_->stop();
    server_.reset();
    api_.reset();
    host_.reset();
    HostOptions o;
    o.packs_path = {BUNDLED_PACKS_DIR};
    o.store_file = *dir_ / "packhost.db";
    o.key_file = *dir_ / "packhost.key";
    Host again(o);
    auto kept = again.store()->trigger_instance(id);
    ASSERT_TRUE(kept);
    EXPECT_EQ((*kept->payload)["body"]["commits"].size(), 2u);
}

TEST_F(RestApiTest, TriggerTypesAreListedAndAnInstanceIsReEmittedWithItsOrigin) {
    auto types = client_->Get("/api/v1/triggertypes?pack=flows", auth());
    ASSERT_EQ(types->status, 200);
    auto flows = Json::parse(types->body);
    ASSERT_EQ(flows.size(), 1u) << types->body;
    EXPECT_EQ(flows[0]["ref"], "flows.deploy_requested");
    auto cron = client_->Get("/api/v1/triggertypes/core.st2.CronTimer", auth());
    ASSERT_EQ(cron->status, 200);
    EXPECT_TRUE(Json::parse(cron->body)["parameters_schema"]["properties"].contains("day_of_week"));
    EXPECT_EQ(client_->Get("/api/v1/triggertypes/ops.nope", auth())->status, 404);

    auto posted = client_->Post("/api/v1/webhooks//deploy/", auth(), R"({"n": 1})", "application/json");
    ASSERT_EQ(posted->status, 202) << posted->body;
    std::string id = Json::parse(posted->body)["id"];
    auto re = client_->Post("/api/v1/triggerinstances/" + id + "/re_emit", auth(), "", "application/json");
    ASSERT_EQ(re->status, 200) << re->body;
    auto out = Json::parse(re->body);
    EXPECT_EQ(out["payload"]["__context"]["original_id"], id);
    auto again = Json::parse(client_->Get("/api/v1/triggerinstances/" + out["id"].get<std::string>(), auth())->body);
    EXPECT_EQ(again["trigger"], "core.st2.webhook");
    EXPECT_EQ(again["payload"]["body"]["n"], 1);
    EXPECT_EQ(again["parameters"]["url"], "deploy");  // as StackStorm strips it
    EXPECT_EQ(client_->Post("/api/v1/triggerinstances/nope/re_emit", auth(), "", "application/json")->status, 404);
}

TEST_F(RestApiTest, BadWebhookRequestsSayWhy) {
    EXPECT_EQ(client_->Post("/api/v1/webhooks/x", "{}", "application/json")->status, 401);
    auto text = client_->Post("/api/v1/webhooks/x", auth(), "hello", "text/plain");
    EXPECT_EQ(text->status, 415);
    auto broken = client_->Post("/api/v1/webhooks/x", auth(), "{\"a\":", "application/json");
    EXPECT_EQ(broken->status, 400);
    EXPECT_NE(fault(broken).find("the webhook's body"), std::string::npos) << fault(broken);
    EXPECT_EQ(client_->Get("/api/v1/webhooks/x", auth())->status, 405);
    EXPECT_EQ(client_->Get("/api/v1/triggerinstances/nope", auth())->status, 404);
    EXPECT_EQ(client_->Get("/api/v1/triggerinstances?limit=ten", auth())->status, 400);
    // None of those made an instance.
    EXPECT_EQ(Json::parse(client_->Get("/api/v1/triggerinstances", auth())->body).size(), 0u);
}

class SignedWebhookTest : public RestApiTest {
protected:
    void SetUp() override {
        options_.webhook_secrets["github"] = "It's a Secret to Everybody";
        RestApiTest::SetUp();
    }
};

TEST_F(SignedWebhookTest, OnlyABodySignedWithTheSecretIsAccepted) {
    std::string body = "Hello, World!";
    // GitHub's documented example: this secret and payload give this signature.
    std::string github_example = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    EXPECT_EQ(api::sign_body("It's a Secret to Everybody", body), github_example);

    auto signed_headers = auth();
    signed_headers.emplace("X-Hub-Signature-256", github_example);
    auto ok = client_->Post("/api/v1/webhooks/github", signed_headers, "\"Hello, World!\"", "application/json");
    EXPECT_EQ(ok->status, 401) << "the signature covers the raw body, which here differs";

    std::string json_body = R"({"zen": "Keep it logically awesome."})";
    auto good = auth();
    good.emplace("X-Hub-Signature-256", api::sign_body("It's a Secret to Everybody", json_body));
    EXPECT_EQ(client_->Post("/api/v1/webhooks/github", good, json_body, "application/json")->status, 202);

    auto unsigned_ = client_->Post("/api/v1/webhooks/github", auth(), json_body, "application/json");
    EXPECT_EQ(unsigned_->status, 401);
    EXPECT_NE(fault(unsigned_).find("must be signed"), std::string::npos);
    auto tampered = good;
    EXPECT_EQ(client_->Post("/api/v1/webhooks/github", tampered, json_body + " ", "application/json")->status, 401);
    auto malformed = auth();
    malformed.emplace("X-Hub-Signature-256", "sha256=zz");
    EXPECT_EQ(client_->Post("/api/v1/webhooks/github", malformed, json_body, "application/json")->status, 401);
    // Other webhooks need no signature.
    EXPECT_EQ(client_->Post("/api/v1/webhooks/other", auth(), json_body, "application/json")->status, 202);
}

// StackStorm's REST API served by a real host (bundled core pack, fixture
// packs, a real SQLite store) over a real socket on 127.0.0.1, called with
// an HTTP client as st2's CLI and chat bots call it: API keys, executions,
// packs and actions, and every kind of bad input answered with the right
// status and a {"faultstring"} body.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/api_keys.hpp"
#include "api/rest_api.hpp"
#include "host.hpp"
#include "http/server.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using json = packhost::Json;
using namespace std::chrono_literals;

namespace {

class RestApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::make_unique<packhost::testing::TempDir>("packhost-rest");
        HostOptions o;
        o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
        o.store_file = *dir_ / "packhost.db";
        o.key_file = *dir_ / "packhost.key";
        o.scheduler.workers = 2;
        host_ = std::make_unique<Host>(o);
        api_ = std::make_unique<api::RestApi>(*host_, api::RestOptions{});
        http::ServerOptions so;
        so.port = 0;
        server_ = std::make_unique<http::Server>(so, [this](http::Request& r) { return api_->handle(r); });
        server_->start();
        key_ = api::ApiKeys(*host_->store()).create("tests", "alice").key;
        client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
        client_->set_read_timeout(10, 0);
    }
    void TearDown() override {
        client_.reset();
        server_->stop();
        server_.reset();
        api_.reset();
        host_.reset();
    }

    httplib::Headers auth() const { return {{"St2-Api-Key", key_}}; }
    httplib::Result post(const std::string& path, const json& body) {
        return client_->Post(path, auth(), body.dump(), "application/json");
    }
    // Waits until the execution has ended; returns its record.
    json wait_for(const std::string& id) {
        for (int i = 0; i < 500; ++i) {
            auto r = client_->Get("/api/v1/executions/" + id, auth());
            if (r && r->status == 200) {
                auto j = json::parse(r->body);
                std::string s = j["status"];
                if (s != "requested" && s != "scheduled" && s != "running" && s != "canceling") return j;
            }
            std::this_thread::sleep_for(20ms);
        }
        ADD_FAILURE() << "execution " << id << " did not end";
        return nullptr;
    }
    static std::string fault(const httplib::Result& r) {
        auto j = json::parse(r->body, nullptr, false);
        return j.is_object() && j.contains("faultstring") ? j["faultstring"].get<std::string>() : "<" + r->body + ">";
    }

    std::unique_ptr<packhost::testing::TempDir> dir_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<api::RestApi> api_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<httplib::Client> client_;
    std::string key_;
};

}  // namespace

TEST_F(RestApiTest, HealthNeedsNoKeyEverythingElseDoes) {
    auto h = client_->Get("/api/v1/health");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200);
    EXPECT_EQ(json::parse(h->body)["status"], "ok");

    auto none = client_->Get("/api/v1/actions");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    EXPECT_EQ(fault(none), "Unauthorized - One of Token or API key required.");

    auto wrong = client_->Get("/api/v1/actions", httplib::Headers{{"St2-Api-Key", std::string(64, 'a')}});
    EXPECT_EQ(wrong->status, 401);
    auto garbage = client_->Get("/api/v1/actions", httplib::Headers{{"St2-Api-Key", "'; DROP TABLE api_keys; --"}});
    EXPECT_EQ(garbage->status, 401);

    EXPECT_EQ(client_->Get("/api/v1/actions", auth())->status, 200);
    // StackStorm also takes the key as a query parameter.
    EXPECT_EQ(client_->Get("/api/v1/actions?st2-api-key=" + key_)->status, 200);

    // A deleted key is refused from then on.
    api::ApiKeys keys(*host_->store());
    ASSERT_TRUE(keys.remove("tests"));
    EXPECT_EQ(client_->Get("/api/v1/actions", auth())->status, 401);
}

TEST_F(RestApiTest, PacksAndActionsAsStackStormListsThem) {
    auto packs = client_->Get("/api/v1/packs", auth());
    ASSERT_EQ(packs->status, 200);
    bool core = false;
    for (const auto& p : json::parse(packs->body)) core |= p["ref"] == "core";
    EXPECT_TRUE(core);

    auto actions = client_->Get("/api/v1/actions?pack=core", auth());
    ASSERT_EQ(actions->status, 200);
    auto list = json::parse(actions->body);
    ASSERT_FALSE(list.empty());
    for (const auto& a : list) EXPECT_EQ(a["pack"], "core");

    auto local = client_->Get("/api/v1/actions/core.local", auth());
    ASSERT_EQ(local->status, 200);
    auto a = json::parse(local->body);
    EXPECT_EQ(a["ref"], "core.local");
    EXPECT_EQ(a["runner_type"], "local-shell-cmd");
    EXPECT_TRUE(a["parameters"].contains("cmd"));

    auto missing = client_->Get("/api/v1/actions/core.nope", auth());
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(fault(missing), "Action \"core.nope\" cannot be found.");
}

TEST_F(RestApiTest, AnExecutionIsStartedFollowedAndListed) {
    auto created = post("/api/v1/executions", {{"action", "core.local"}, {"parameters", {{"cmd", "echo hi there"}}}});
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    auto e = json::parse(created->body);
    std::string id = e["id"];
    EXPECT_EQ(e["action"]["ref"], "core.local");
    EXPECT_EQ(e["context"]["user"], "alice") << "the execution acts as the key's user";

    auto done = wait_for(id);
    EXPECT_EQ(done["status"], "succeeded") << done;
    EXPECT_EQ(done["result"]["stdout"], "hi there");

    auto output = client_->Get("/api/v1/executions/" + id + "/output", auth());
    ASSERT_EQ(output->status, 200);
    EXPECT_EQ(output->body, "hi there\n");
    EXPECT_EQ(client_->Get("/api/v1/executions/" + id + "/output?output_type=stderr", auth())->body, "");

    ASSERT_EQ(post("/api/v1/executions", {{"action", "core.noop"}})->status, 201);
    auto listed = client_->Get("/api/v1/executions?action=core.local&limit=10", auth());
    ASSERT_EQ(listed->status, 200);
    auto list = json::parse(listed->body);
    ASSERT_EQ(list.size(), 1u) << list;
    EXPECT_EQ(list[0]["id"], id);
    auto newest = json::parse(client_->Get("/api/v1/executions?limit=1", auth())->body);
    ASSERT_EQ(newest.size(), 1u);
    EXPECT_EQ(newest[0]["action"]["ref"], "core.noop") << "newest first";
    auto skipped = json::parse(client_->Get("/api/v1/executions?limit=1&offset=1", auth())->body);
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0]["id"], id);
    EXPECT_EQ(json::parse(client_->Get("/api/v1/executions?status=failed", auth())->body).size(), 0u);

    // Re-run with a parameter changed.
    auto again = post("/api/v1/executions/" + id + "/re_run", {{"parameters", {{"cmd", "echo again"}}}});
    ASSERT_EQ(again->status, 201) << again->body;
    auto rerun = wait_for(json::parse(again->body)["id"]);
    EXPECT_EQ(rerun["result"]["stdout"], "again");

    // Canceling a finished execution is a conflict.
    auto late = client_->Delete("/api/v1/executions/" + id, auth());
    EXPECT_EQ(late->status, 409);
    EXPECT_NE(fault(late).find("already finished: succeeded"), std::string::npos) << fault(late);
}

TEST_F(RestApiTest, ARunningExecutionIsCanceled) {
    auto created = post("/api/v1/executions", {{"action", "core.sleep"}, {"parameters", {{"seconds", 30}}}});
    ASSERT_EQ(created->status, 201) << created->body;
    std::string id = json::parse(created->body)["id"];
    auto del = client_->Delete("/api/v1/executions/" + id, auth());
    ASSERT_EQ(del->status, 200) << del->body;
    auto ended = wait_for(id);
    EXPECT_EQ(ended["status"], "canceled");
}

TEST_F(RestApiTest, BadRequestsGetTheRightStatusAndSayWhy) {
    auto raw = [&](const std::string& body, const std::string& type) {
        return client_->Post("/api/v1/executions", auth(), body, type);
    };
    auto malformed = raw("{\"action\": ", "application/json");
    EXPECT_EQ(malformed->status, 400);
    EXPECT_NE(fault(malformed).find("invalid JSON"), std::string::npos) << fault(malformed);

    auto not_object = raw("[1, 2]", "application/json");
    EXPECT_EQ(not_object->status, 400);
    EXPECT_EQ(fault(not_object), "the request body must be a JSON object");

    auto deep = raw(std::string(100000, '[') + std::string(100000, ']'), "application/json");
    EXPECT_EQ(deep->status, 400) << "nesting past the limit is refused, not a crash";

    auto form = raw("action=core.noop", "application/x-www-form-urlencoded");
    EXPECT_EQ(form->status, 415);

    auto no_action = post("/api/v1/executions", {{"parameters", json::object()}});
    EXPECT_EQ(no_action->status, 400);

    auto unknown = post("/api/v1/executions", {{"action", "core.nope"}});
    EXPECT_EQ(unknown->status, 404);
    EXPECT_EQ(fault(unknown), "Action \"core.nope\" cannot be found.");

    // Parameters failing the action's schema: 400 listing each problem.
    auto invalid = post("/api/v1/executions",
                        {{"action", "core.local"}, {"parameters", {{"cmd", 5}, {"timeout", "soon"}, {"bogus", 1}}}});
    ASSERT_EQ(invalid->status, 400) << invalid->body;
    auto body = json::parse(invalid->body);
    ASSERT_TRUE(body.contains("problems")) << body;
    EXPECT_GE(body["problems"].size(), 2u) << body;

    auto params_not_object = post("/api/v1/executions", {{"action", "core.noop"}, {"parameters", "x"}});
    EXPECT_EQ(params_not_object->status, 400);

    EXPECT_EQ(client_->Get("/api/v1/executions/nope", auth())->status, 404);
    EXPECT_EQ(client_->Delete("/api/v1/executions/nope", auth())->status, 404);
    EXPECT_EQ(post("/api/v1/executions/nope/re_run", json::object())->status, 404);
    EXPECT_EQ(client_->Get("/api/v1/executions?limit=many", auth())->status, 400);
    EXPECT_EQ(client_->Get("/api/v1/executions?status=sleepy", auth())->status, 400);
    EXPECT_EQ(client_->Put("/api/v1/executions", auth(), "{}", "application/json")->status, 405);
    EXPECT_EQ(client_->Get("/api/v2/anything", auth())->status, 404);

    // Nothing of the above was started.
    EXPECT_EQ(json::parse(client_->Get("/api/v1/executions", auth())->body).size(), 0u);
}

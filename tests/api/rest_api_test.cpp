// StackStorm's REST API served by a real host (bundled core pack, fixture
// packs, a real SQLite store) over a real socket on 127.0.0.1, called with
// an HTTP client as st2's CLI and chat bots call it: API keys, executions,
// packs and actions, and every kind of bad input answered with the right
// status and a {"faultstring"} body.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <set>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/api_keys.hpp"
#include "api/rest_fixture.hpp"

using namespace packhost;
using json = packhost::Json;
using packhost::testing::RestApiTest;
using namespace std::chrono_literals;

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

TEST_F(RestApiTest, AWorkflowIsPausedAndResumedAsStackStormAsks) {
    auto created = post("/api/v1/executions", {{"action", "flows.pausable"}, {"parameters", {{"seconds", 1}}}});
    ASSERT_EQ(created->status, 201) << created->body;
    std::string id = json::parse(created->body)["id"];
    auto put = [&](const Json& body) {
        return client_->Put("/api/v1/executions/" + id, auth(), body.dump(), "application/json");
    };
    auto status_of = [&] { return json::parse(client_->Get("/api/v1/executions/" + id, auth())->body)["status"]; };
    for (int i = 0; i < 250 && status_of() != "running"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto paused = put({{"status", "pausing"}});
    ASSERT_EQ(paused->status, 200) << paused->body;
    std::string now = json::parse(paused->body)["status"];
    EXPECT_TRUE(now == "pausing" || now == "paused") << now;
    for (int i = 0; i < 250 && status_of() != "paused"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(status_of(), "paused") << "once its running task ended";
    auto resumed = put({{"status", "resuming"}});
    ASSERT_EQ(resumed->status, 200) << resumed->body;
    EXPECT_EQ(wait_for(id)["status"], "succeeded");

    EXPECT_EQ(put({{"status", "pausing"}})->status, 409) << "finished already";
    auto wrong = put({{"status", "succeeded"}});
    EXPECT_EQ(wrong->status, 400);
    EXPECT_NE(fault(wrong).find("'status' must be \"pausing\" or \"resuming\""), std::string::npos) << fault(wrong);
    auto noop = post("/api/v1/executions", {{"action", "core.sleep"}, {"parameters", {{"seconds", 5}}}});
    std::string sleeper = json::parse(noop->body)["id"];
    auto not_workflow =
        client_->Put("/api/v1/executions/" + sleeper, auth(), R"({"status": "pausing"})", "application/json");
    EXPECT_EQ(not_workflow->status, 400);
    EXPECT_NE(fault(not_workflow).find("only workflows"), std::string::npos) << fault(not_workflow);
    client_->Delete("/api/v1/executions/" + sleeper, auth());
    EXPECT_EQ(client_->Put("/api/v1/executions/nope", auth(), R"({"status": "pausing"})", "application/json")->status,
              404);
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

TEST_F(RestApiTest, AnApiKeyGetsAShortLivedTokenAcceptedAsXAuthToken) {
    auto made = client_->Post("/auth/v1/tokens", auth(), "", "application/json");
    ASSERT_EQ(made->status, 201) << made->body;
    auto t = json::parse(made->body);
    EXPECT_EQ(t["user"], "alice");
    EXPECT_TRUE(t["expiry"].is_string());
    std::string token = t["token"];

    httplib::Headers with_token{{"X-Auth-Token", token}};
    EXPECT_EQ(client_->Get("/api/v1/actions", with_token)->status, 200);
    EXPECT_EQ(client_->Get("/api/v1/actions?x-auth-token=" + token)->status, 200);
    // Executions started with it act as the key's user.
    auto run = client_->Post("/api/v1/executions", with_token, R"({"action": "core.noop"})", "application/json");
    ASSERT_EQ(run->status, 201);
    EXPECT_EQ(json::parse(run->body)["context"]["user"], "alice");

    std::string tampered = token;
    tampered[0] = tampered[0] == 'A' ? 'B' : 'A';  // another user's name, same tag
    EXPECT_EQ(client_->Get("/api/v1/actions", httplib::Headers{{"X-Auth-Token", tampered}})->status, 401);
    EXPECT_EQ(client_->Get("/api/v1/actions", httplib::Headers{{"X-Auth-Token", "x.y.z"}})->status, 401);
    // No token without credentials; ttl within bounds.
    EXPECT_EQ(client_->Post("/auth/v1/tokens", "", "application/json")->status, 401);
    EXPECT_EQ(client_->Post("/auth/v1/tokens", auth(), R"({"ttl": 0})", "application/json")->status, 400);
    EXPECT_EQ(client_->Post("/auth/v1/tokens", auth(), R"({"ttl": 999999})", "application/json")->status, 400);

    // A token stops working when it expires.
    auto brief = client_->Post("/auth/v1/tokens", auth(), R"({"ttl": 1})", "application/json");
    ASSERT_EQ(brief->status, 201);
    httplib::Headers brief_token{{"X-Auth-Token", json::parse(brief->body)["token"].get<std::string>()}};
    EXPECT_EQ(client_->Get("/api/v1/actions", brief_token)->status, 200);
    std::this_thread::sleep_for(2100ms);
    EXPECT_EQ(client_->Get("/api/v1/actions", brief_token)->status, 401);
}

TEST_F(RestApiTest, TheOpenApiDocumentDescribesEveryRouteAndNoOther) {
    auto r = client_->Get("/api/v1/openapi.json", auth());
    ASSERT_EQ(r->status, 200);
    auto doc = json::parse(r->body);
    EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
    std::set<std::string> documented, served;
    for (const auto& [path, ops] : doc["paths"].items()) {
        for (const auto& [method, op] : ops.items()) {
            documented.insert(method + " " + path);
            EXPECT_TRUE(op.contains("responses")) << method << " " << path;
        }
    }
    for (const auto& route : api_->router().routes()) {
        std::string method = route.method;
        for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        served.insert(method + " " + route.pattern);
    }
    EXPECT_EQ(documented, served);
    // Every $ref points at something the document has.
    std::function<void(const json&)> check_refs = [&](const json& j) {
        if (j.is_object()) {
            if (auto ref = j.find("$ref"); ref != j.end()) {
                std::string pointer = ref->get<std::string>().substr(1);
                EXPECT_TRUE(doc.contains(json::json_pointer(pointer))) << pointer;
            }
            for (const auto& [_, v] : j.items()) check_refs(v);
        } else if (j.is_array()) {
            for (const auto& v : j) check_refs(v);
        }
    };
    check_refs(doc);
}

TEST_F(RestApiTest, MetricsCountExecutionsRequestsAndTriggerInstances) {
    auto run = post("/api/v1/executions", {{"action", "core.noop"}});
    ASSERT_EQ(run->status, 201);
    std::string id = json::parse(run->body)["id"];
    wait_for(id);
    ASSERT_EQ(client_->Post("/api/v1/webhooks/metrics", auth(), "{}", "application/json")->status, 202);
    EXPECT_EQ(client_->Get("/api/v1/executions/nope", auth())->status, 404);

    EXPECT_EQ(client_->Get("/metrics")->status, 401);
    auto m = client_->Get("/metrics", auth());
    ASSERT_EQ(m->status, 200);
    EXPECT_EQ(m->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
    const std::string& text = m->body;
    auto has = [&](const std::string& line) { return text.find(line) != std::string::npos; };
    EXPECT_TRUE(has("# TYPE packhost_executions_started_total counter")) << text;
    EXPECT_TRUE(has("packhost_executions_started_total{action=\"core.noop\"} 1")) << text;
    EXPECT_TRUE(has("packhost_executions_finished_total{action=\"core.noop\",status=\"succeeded\"} 1")) << text;
    EXPECT_TRUE(has("packhost_execution_duration_seconds_count{action=\"core.noop\"} 1")) << text;
    EXPECT_TRUE(has("packhost_trigger_instances_total{trigger=\"core.st2.webhook\"} 1")) << text;
    EXPECT_TRUE(has("packhost_packs_loaded ")) << text;
    EXPECT_TRUE(has("packhost_executions_unfinished 0")) << text;
    // By route pattern, never by the id in the path.
    EXPECT_TRUE(has("route=\"/api/v1/executions/{id}\"")) << text;
    EXPECT_TRUE(has("code=\"404\"")) << text;
    // Counted with the code it was answered with, though given later.
    EXPECT_TRUE(has("{code=\"201\",method=\"POST\",route=\"/api/v1/executions\"} 1")) << text;
    EXPECT_FALSE(has(id)) << text;
}

class FullQueueTest : public RestApiTest {
protected:
    void SetUp() override {
        options_.max_unfinished = 1;
        RestApiTest::SetUp();
    }
};

TEST_F(FullQueueTest, ExecutionsPastTheLimitGet429UntilOneFinishes) {
    auto first = post("/api/v1/executions", {{"action", "core.sleep"}, {"parameters", {{"seconds", 30}}}});
    ASSERT_EQ(first->status, 201);
    std::string id = json::parse(first->body)["id"];
    auto second = post("/api/v1/executions", {{"action", "core.noop"}});
    EXPECT_EQ(second->status, 429);
    EXPECT_NE(fault(second).find("try again later"), std::string::npos);
    EXPECT_EQ(client_->Post("/api/v1/executions/" + id + "/re_run", auth(), "", "application/json")->status, 429);

    client_->Delete("/api/v1/executions/" + id, auth());
    wait_for(id);
    EXPECT_EQ(post("/api/v1/executions", {{"action", "core.noop"}})->status, 201);
}

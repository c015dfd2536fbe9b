// Chat on `packhost serve` with the Slack adapter, end to end: a real serve
// on 127.0.0.1, Events API requests signed as Slack signs them, and the
// replies arriving at a fake of Slack's Web API (tests/chatops/adapters/
// fake_slack.hpp; Slack itself cannot be reached from here).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "chatops/adapters/fake_slack.hpp"
#include "chatops/adapters/slack.hpp"
#include "cli/cli_support.hpp"
#include "support/free_port.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace packhost::testing;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kSecret = "a-signing-secret";
const char* kToken = "xoxb-test-token";

struct Sent {
    int status = 0;
    std::string body;
};

Sent send_event(httplib::Client& c, const std::string& body, long skew = 0, const std::string& secret = kSecret,
                bool retry = false) {
    std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
        skew);
    httplib::Headers h{{"X-Slack-Request-Timestamp", ts},
                       {"X-Slack-Signature", packhost::chatops::adapters::slack_signature(secret, ts, body)}};
    if (retry) h.emplace("X-Slack-Retry-Num", "1");
    auto r = c.Post("/chatops/slack/events", h, body, "application/json");
    return r ? Sent{r->status, r->body} : Sent{};
}

std::string mention(const std::string& text, const std::string& channel, const std::string& thread = "") {
    json event = {{"type", "app_mention"},     {"user", "U061F7AUR"}, {"text", "<@U0LAN0Z89> " + text},
                  {"ts", "1515449522.000016"}, {"channel", channel},  {"event_ts", "1515449522.000016"}};
    if (!thread.empty()) event["thread_ts"] = thread;
    return json{{"token", "x"}, {"team_id", "T1"}, {"type", "event_callback"}, {"event_id", "Ev1"}, {"event", event}}
        .dump();
}

// serve's environment: the Slack adapter on, its Web API the fake.
std::map<std::string, std::string> slack_env(const TempDir& home, FakeSlack& slack) {
    return {{"PACKHOST_PACKS_PATH", ""},
            {"USER", "tester"},
            {"PACKHOST_HOME", home.path().string()},
            {"PACKHOST_SLACK_SIGNING_SECRET", kSecret},
            {"PACKHOST_SLACK_BOT_TOKEN", kToken},
            {"PACKHOST_SLACK_API_URL", slack.api_url()}};
}

// A pack of YAML only under `root`: `file` (e.g. "rules/deployed.yaml")
// holding `yaml`.
void write_pack(const std::filesystem::path& root, const std::string& ref, const std::string& file,
                const std::string& yaml) {
    std::filesystem::create_directories((root / ref / file).parent_path());
    std::ofstream(root / ref / "pack.yaml") << "ref: " << ref << "\nname: " << ref
                                            << "\ndescription: a test pack\nversion: 0.1.0\nauthor: packhost tests\n";
    std::ofstream(root / ref / file) << yaml;
}

void wait_until_serving(httplib::Client& c) {
    for (int i = 0; i < 300; ++i) {
        if (auto r = c.Get("/api/v1/health"); r && r->status == 200) return;
        std::this_thread::sleep_for(20ms);
    }
}

const std::string kPacksPath = std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR;

// `packhost --packs-path PACKS serve FLAGS --bind 127.0.0.1:PORT` under
// `env`, while `talk` (given a client once serve answers) talks to it;
// stopped with SIGTERM when `talk` returns.
ProcessResult serve_while(const std::map<std::string, std::string>& env, const std::string& packs,
                          std::vector<std::string> flags, const std::function<void(httplib::Client&)>& talk) {
    uint16_t port = free_port();
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", packs, "serve"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"--bind", "127.0.0.1:" + std::to_string(port)});
    std::atomic<bool> done{false};
    std::thread client([&] {
        httplib::Client c("127.0.0.1", port);
        wait_until_serving(c);
        talk(c);
        done = true;
    });
    auto serve = run_process_signal_when(argv, env, SIGTERM, [&](const auto&) { return done.load(); });
    client.join();
    return serve;
}

}  // namespace

TEST(ServeChat, SlackEventsRunAliasesAndTheRepliesGoThroughTheWebApi) {
    TempDir home("packhost-slack");
    FakeSlack slack(kToken);
    slack.rate_limit_once();  // the first post meets a 429 with Retry-After
    auto env = slack_env(home, slack);
    Sent challenge, ok, forged, stale, unsigned_, retried, threaded;
    std::vector<json> posts;
    auto serve = serve_while(env, kPacksPath, {}, [&](httplib::Client& c) {
        challenge = send_event(
            c,
            R"({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})");
        forged = send_event(c, mention("echo forged", "C1"), 0, "not the secret");
        stale = send_event(c, mention("echo stale", "C1"), -301);
        if (auto r = c.Post("/chatops/slack/events", mention("echo unsigned", "C1"), "application/json"))
            unsigned_ = {r->status, r->body};
        retried = send_event(c, mention("echo retried", "C1"), 0, kSecret, true);
        ok = send_event(c, mention("echo hello from slack", "C1"));
        threaded = send_event(c, mention("echo in a thread", "C2", "1515449500.000001"));
        posts = slack.posts(2, 20s);
    });
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_NE(serve.out.find("Slack at /chatops/slack/events"), std::string::npos) << serve.out;
    EXPECT_EQ(challenge.status, 200);
    EXPECT_EQ(json::parse(challenge.body, nullptr, false)["challenge"],
              "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    EXPECT_EQ(forged.status, 401);
    EXPECT_EQ(stale.status, 401);
    EXPECT_EQ(unsigned_.status, 401);
    EXPECT_EQ(retried.status, 200);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(threaded.status, 200);
    ASSERT_EQ(posts.size(), 2u) << serve.err;
    std::map<std::string, json> by_channel;
    for (const auto& p : posts) by_channel[p["channel"].get<std::string>()] = p;
    EXPECT_EQ(by_channel["C1"]["text"], "hello from slack");
    EXPECT_FALSE(by_channel["C1"].contains("thread_ts"));
    EXPECT_EQ(by_channel["C2"]["text"], "in a thread");
    EXPECT_EQ(by_channel["C2"]["thread_ts"], "1515449500.000001");
    // Only the two good requests ran anything.
    auto listed = run_process(packhost_argv({"execution", "list", "--json"}), env);
    auto all = json::parse(listed.out, nullptr, false);
    ASSERT_EQ(all.size(), 2u) << listed.out;
    for (const auto& e : all) EXPECT_EQ(e["context"]["chatops"]["adapter"], "slack");
}

// Slack's own shapes for one message, as message.channels and app_mention
// deliver it (https://api.slack.com/events/message.channels, /app_mention).
std::string channel_event(const std::string& type, const std::string& text, const std::string& ts) {
    json event = {{"type", type}, {"user", "U061F7AUR"}, {"text", text},
                  {"ts", ts},     {"channel", "C3"},     {"event_ts", ts}};
    if (type == "message") event["channel_type"] = "channel";
    return json{
        {"token", "x"}, {"team_id", "T1"}, {"type", "event_callback"}, {"event_id", "Ev" + ts}, {"event", event}}
        .dump();
}

TEST(ServeChat, AMessageDeliveredAsBothMessageAndAppMentionRunsOnce) {
    // An app subscribed to app_mention and message.channels gets a message
    // that mentions it twice, one event of each type with the message's ts.
    TempDir home("packhost-slack-twice");
    FakeSlack slack(kToken);
    auto env = slack_env(home, slack);
    std::vector<int> statuses;
    std::vector<json> posts;
    auto serve = serve_while(env, kPacksPath, {}, [&](httplib::Client& c) {
        for (const auto& body : {
                 // the prefix and a mention: a command either way
                 channel_event("message", "!echo twice <@U0LAN0Z89>", "1.000001"),
                 channel_event("app_mention", "!echo twice <@U0LAN0Z89>", "1.000001"),
                 // addressed by the mention only: a command as app_mention, chatter as a message
                 channel_event("message", "<@U0LAN0Z89> echo mentioned", "1.000002"),
                 channel_event("app_mention", "<@U0LAN0Z89> echo mentioned", "1.000002"),
                 // the app_mention first
                 channel_event("app_mention", "!echo other way round", "1.000003"),
                 channel_event("message", "!echo other way round", "1.000003"),
                 // the same text again is another message (another ts)
                 channel_event("message", "!echo twice <@U0LAN0Z89>", "1.000004"),
             }) {
            statuses.push_back(send_event(c, body).status);
        }
        // The answers come as the runs end, not always in order (until
        // core.echo is known to be quick it runs on the workers).
        slack.posts(4, 20s);
        // The core takes one message at a time, in order: anything run twice
        // was started before this one, and is among the executions below
        // even if its answer would come later.
        statuses.push_back(send_event(c, channel_event("message", "!echo last", "1.000005")).status);
        posts = slack.posts(5, 20s);
    });
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_EQ(statuses, std::vector<int>(8, 200));
    std::multiset<std::string> texts;
    for (const auto& p : posts) texts.insert(p.value("text", ""));
    EXPECT_EQ(texts, (std::multiset<std::string>{"twice <@U0LAN0Z89>", "mentioned", "other way round",
                                                 "twice <@U0LAN0Z89>", "last"}))
        << serve.err;
    auto listed = run_process(packhost_argv({"execution", "list", "--json"}), env);
    EXPECT_EQ(json::parse(listed.out, nullptr, false).size(), 5u) << listed.out;
}

TEST(ServeChat, AnAliasesResultExtraShapesTheSlackMessage) {
    // result.extra.slack, rendered as the format is, reaches
    // chat.postMessage (hubot-stackstorm's attachments form).
    TempDir home("packhost-slack-extra");
    TempDir packs("packhost-slack-extra-packs");
    write_pack(packs.path(), "fancy", "aliases/fancy.yaml", R"(name: fancy
action_ref: core.echo
formats: ["fancy {{message}}"]
ack: {enabled: false}
result:
  format: "Echoed:{~}{{ execution.result.message }}"
  extra:
    slack:
      username: Echo Bot
      attachments:
        - title: "{{ execution.result.message | upper }}"
          color: "#00AA00"
)");
    FakeSlack slack(kToken);
    auto env = slack_env(home, slack);
    std::vector<json> posts;
    auto serve = serve_while(env, kPacksPath + ":" + packs.path().string(), {}, [&](httplib::Client& c) {
        send_event(c, channel_event("message", "!fancy shiny", "2.000001"));
        posts = slack.posts(1, 20s);
    });
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    ASSERT_EQ(posts.size(), 1u) << serve.err;
    EXPECT_EQ(posts[0]["channel"], "C3");
    EXPECT_EQ(posts[0]["text"], "Echoed:\nshiny");
    EXPECT_EQ(posts[0]["username"], "Echo Bot");
    EXPECT_EQ(posts[0]["attachments"], json::parse(R"([{"title": "SHINY", "color": "#00AA00"}])"));
}

TEST(ServeChat, RulesAndTheApiPostThroughChatopsPostMessage) {
    // chatops.post_message is an announcement on route chatops, which the
    // chat side posts through the adapter it names: here from a REST request
    // and from a rule that a webhook fires.
    TempDir home("packhost-slack-post");
    TempDir packs("packhost-slack-post-packs");
    write_pack(packs.path(), "relay", "rules/deployed.yaml", R"(name: deployed
trigger: {type: core.st2.webhook, parameters: {url: deployed}}
action:
  ref: chatops.post_message
  parameters:
    channel: "{{ trigger.body.channel }}"
    message: "{{ trigger.body.app }} is deployed"
    adapter: slack
)");
    FakeSlack slack(kToken);
    auto env = slack_env(home, slack);
    int created = 0, hooked = 0;
    std::vector<json> posts;
    auto serve = serve_while(env, kPacksPath + ":" + packs.path().string(), {"--no-auth"}, [&](httplib::Client& c) {
        json run = {{"action", "chatops.post_message"},
                    {"parameters", {{"channel", "C7"}, {"message", "from the api"}, {"user", "U1"}}}};
        if (auto r = c.Post("/api/v1/executions", run.dump(), "application/json")) created = r->status;
        if (auto r = c.Post("/api/v1/webhooks/deployed", R"({"channel": "C8", "app": "web"})", "application/json"))
            hooked = r->status;
        posts = slack.posts(2, 20s);
    });
    EXPECT_EQ(serve.exit_code, 0) << serve.err;
    EXPECT_EQ(created, 201);
    EXPECT_EQ(hooked, 202);
    ASSERT_EQ(posts.size(), 2u) << serve.err;
    std::map<std::string, json> by_channel;
    for (const auto& p : posts) by_channel[p["channel"].get<std::string>()] = p;
    EXPECT_EQ(by_channel["C7"]["text"], "U1: from the api");
    EXPECT_EQ(by_channel["C8"]["text"], "web is deployed");
}

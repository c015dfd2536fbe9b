// The story end to end against the real Keystone and the fake Nova
// (openstack_cloud.hpp): the project_report workflow (name -> ID -> usage
// -> a table), the same from chat (`packhost chat`, the bundled alias), and
// a project created in Keystone greeted by the example rule through the
// new_project sensor in `packhost serve`, across a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "chatops/aliases/alias_index.hpp"
#include "chatops/chat_core.hpp"
#include "packs/openstack/openstack_cloud.hpp"
#include "support/free_port.hpp"
#include "support/process.hpp"

using namespace packhost;
using namespace std::chrono_literals;
using executions::Status;
using json = nlohmann::json;

namespace {

class OpenStackStory : public packhost::testing::OpenStackCloud {
protected:
    // A home for packhost processes: the pack's config and a store.
    static std::map<std::string, std::string> home_with(const packhost::testing::TempDir& home, const json& config) {
        std::filesystem::create_directories(home.path() / "configs");
        std::ofstream(home.path() / "configs" / "openstack.yaml") << config.dump();
        return {{"PACKHOST_HOME", home.path().string()}, {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}};
    }
    static std::vector<std::string> packhost(std::vector<std::string> args) {
        std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", BUNDLED_PACKS_DIR};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    // One `packhost serve` in `env`: `step` runs with a client once it
    // answers, then serve is stopped (SIGTERM) and must exit 0.
    static packhost::testing::ProcessResult serve(const std::map<std::string, std::string>& env,
                                                  const std::function<void(httplib::Client&)>& step) {
        uint16_t port = packhost::testing::free_port();
        std::atomic<bool> done{false};
        std::thread client([&] {
            httplib::Client c("127.0.0.1", port);
            for (int i = 0; i < 500; ++i) {
                if (auto r = c.Get("/api/v1/health"); r && r->status == 200) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            step(c);
            done = true;
        });
        auto r = packhost::testing::run_process_signal_when(
            packhost({"serve", "--no-auth", "--bind", "127.0.0.1:" + std::to_string(port)}), env, SIGTERM,
            [&](const auto&) { return done.load(); });
        client.join();
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r;
    }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(OpenStackStory, TheUsageTableListsEachServer) {
    auto host = host_with(admin_config());
    auto usage = run(*host, "openstack.project_usage",
                     {{"project_id", story_id_}, {"start", "2026-11-01"}, {"end", "2026-11-11"}});
    ASSERT_EQ(usage->status(), Status::succeeded) << usage->result().dump();
    auto table = run(*host, "openstack.usage_table",
                     {{"usage", usage->result()}, {"project", {{"name", "story"}, {"id", story_id_}}}});
    ASSERT_EQ(table->status(), Status::succeeded) << table->result().dump();
    EXPECT_EQ(table->result()["text"],
              "Project story (" + story_id_ +
                  "), 10 days from 2026-11-01T00:00:00 to 2026-11-11T00:00:00 UTC\n"
                  "Now: 3 instances, 3 vCPUs, 6,144 MB RAM, 60 GB disk\n"
                  "Used: 756.00 instance-hours, 864.00 vCPU-hours, 1,769,472.00 MB-hours RAM, 17,280.00 GB-hours disk\n"
                  "\n"
                  "SERVER  STATUS   FLAVOR    VCPUS  RAM_MB  DISK_GB   HOURS\n"
                  "old     DELETED  m1.large      4   8,192       80   36.00\n"
                  "web1    ACTIVE   m1.small      1   2,048       20  240.00\n"
                  "web2    ACTIVE   m1.small      1   2,048       20  240.00\n"
                  "web3    ACTIVE   m1.small      1   2,048       20  240.00");
}

TEST_F(OpenStackStory, TheReportWorkflowGoesFromANameToTheReport) {
    auto host = host_with(admin_config());
    auto e = run(*host, "openstack.project_report", {{"project", "story"}, {"days", 7}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->result().dump();
    json out = e->result()["output"];
    EXPECT_EQ(out["project"]["id"], story_id_);
    EXPECT_EQ(out["usage"]["project_id"], story_id_);
    EXPECT_EQ(out["usage"]["period"]["days"], 7.0);
    EXPECT_EQ(out["usage"]["instances"], 3);
    EXPECT_TRUE(out["error"].is_null());
    std::string report = out["report"];
    EXPECT_TRUE(report.starts_with("Project story (" + story_id_ + "), 7 days from ")) << report;
    EXPECT_TRUE(has(report, "\nweb3    ACTIVE  m1.small      1   2,048       20  ")) << report;

    auto unknown = run(*host, "openstack.project_report", {{"project", "nope"}});
    EXPECT_EQ(unknown->status(), Status::failed);
    EXPECT_EQ(unknown->result()["output"]["error"], "no project named or with ID 'nope'") << unknown->result().dump();
    EXPECT_TRUE(unknown->result()["output"]["report"].is_null());
    auto ambiguous = run(*host, "openstack.project_report", {{"project", "dup"}});
    EXPECT_TRUE(has(ambiguous->result()["output"].value("error", ""), "project name 'dup' is in 2 domains"))
        << ambiguous->result().dump();
}

TEST_F(OpenStackStory, AChatMessageGetsTheReport) {
    packhost::testing::TempDir home("packhost-openstack-chat");
    auto env = home_with(home, admin_config());
    auto r = packhost::testing::run_process(
        packhost({"chat", "--user", "jtopjian", "--channel", "#ops", "--wait", "60"}), env,
        "!help project\n!project usage story\n!project usage story 7\n!project usage nope\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "!project usage {{project}} {{days=30}} - A project's usage report")) << r.out;
    EXPECT_TRUE(has(r.out, "Looking up story...")) << r.out;
    EXPECT_TRUE(has(r.out, "Project story (" + story_id_ + "), 30 days from ")) << r.out;
    EXPECT_TRUE(has(r.out, "Project story (" + story_id_ + "), 7 days from ")) << r.out;
    EXPECT_TRUE(has(
        r.out, "GB-hours disk\n\nSERVER  STATUS  FLAVOR    VCPUS  RAM_MB  DISK_GB   HOURS\nweb1    ACTIVE  m1.small"))
        << r.out;
    EXPECT_FALSE(has(r.out, "```")) << "no code fences outside Slack: " << r.out;
    EXPECT_FALSE(has(r.out, "\n\nProject")) << "no empty line around the report: " << r.out;
    EXPECT_TRUE(has(r.out, "Sorry, no report for nope: no project named or with ID 'nope'")) << r.out;
}

// make run on a machine without OpenStack: the sensor stays quiet.
TEST_F(OpenStackStory, WithoutACloudTheSensorWaitsQuietly) {
    packhost::testing::TempDir home("packhost-openstack-none");
    std::map<std::string, std::string> env{
        {"PACKHOST_HOME", home.path().string()}, {"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}};
    ::unsetenv("OS_AUTH_URL");
    ::unsetenv("OS_CLOUD");
    auto r = serve(env, [](httplib::Client&) { std::this_thread::sleep_for(1500ms); });  // it started and polled
    EXPECT_TRUE(has(r.out, "1 sensor(s)")) << r.out;
    EXPECT_FALSE(has(r.err, "new_project")) << r.err;
    EXPECT_FALSE(has(r.err, "error")) << r.err;
}

// What the Slack adapter is handed: the report in a code block, replies in
// the message's thread.
TEST_F(OpenStackStory, OnSlackTheReportIsACodeBlock) {
    struct Slack final : chatops::Adapter {
        const std::string& name() const override { return name_; }
        void post(const chatops::Reply& reply) override {
            std::lock_guard lock(mu);
            replies.push_back(reply);
            cv.notify_all();
        }
        std::string name_ = "slack";
        std::mutex mu;
        std::condition_variable cv;
        std::vector<chatops::Reply> replies;
    } slack;
    auto host = host_with(admin_config());
    std::vector<std::string> problems;
    auto aliases = chatops::aliases::load_pack_aliases(host->catalog(), problems);
    chatops::ChatCore core(*host, chatops::aliases::AliasIndex(std::move(aliases), problems), {});
    core.add_adapter(slack);
    core.receive({"slack", "U123", "C0OPS", "1700000000.000100", "!project usage story 3", false});
    std::unique_lock lock(slack.mu);
    ASSERT_TRUE(slack.cv.wait_for(lock, 60s, [&] { return slack.replies.size() == 2; }));
    EXPECT_EQ(slack.replies[0].text, "Looking up story...");
    const auto& report = slack.replies[1];
    EXPECT_EQ(report.channel, "C0OPS");
    EXPECT_EQ(report.thread, "1700000000.000100");
    EXPECT_TRUE(report.text.starts_with("```\nProject story (" + story_id_ + "), 3 days from ")) << report.text;
    EXPECT_TRUE(report.text.ends_with("\n```")) << report.text;
    lock.unlock();
    core.wait_idle(10s);
}

TEST_F(OpenStackStory, ANewProjectIsGreetedOnceAcrossARestart) {
    packhost::testing::TempDir home("packhost-openstack-serve");
    json config = admin_config();
    config["sensor_poll_interval"] = 1;
    auto env = home_with(home, config);
    using packhost::testing::run_process;
    ASSERT_EQ(run_process(packhost({"rule", "enable", "openstack.greet_new_project"}), env).exit_code, 0);
    ASSERT_EQ(run_process(packhost({"key", "set", "openstack_greet_channel", "#cloud"}), env).exit_code, 0);

    std::vector<std::string> made;
    auto make_project = [&](const std::string& name) {
        made.push_back(keystone_->call("POST", "/v3/projects",
                                       {{"project", {{"name", name}, {"domain_id", "default"}}}})["project"]["id"]);
    };
    // The greetings so far: chatops.post_message executions started by the rule.
    auto greetings = [](httplib::Client& c) {
        json out = json::array();
        if (auto r = c.Get("/api/v1/executions?action=chatops.post_message"); r && r->status == 200) {
            for (const auto& e : json::parse(r->body, nullptr, false))
                if (e.value("status", "") == "succeeded") out.push_back(e["parameters"]);
        }
        return out;
    };
    json first;
    auto one = serve(env, [&](httplib::Client& c) {
        // The sensor's first look takes note of what is there, greeting none.
        for (int i = 0; i < 500; ++i) {
            if (auto r = c.Get("/api/v1/keys/openstack.new_project.seen"); r && r->status == 200) break;
            std::this_thread::sleep_for(20ms);
        }
        make_project("fresh-one");
        for (int i = 0; i < 500 && first.empty(); ++i) {
            std::this_thread::sleep_for(20ms);
            first = greetings(c);
        }
        std::this_thread::sleep_for(1500ms);  // a look or two more: still one
        first = greetings(c);
    });
    ASSERT_EQ(first.size(), 1u) << first.dump() << one.err;
    EXPECT_EQ(first[0]["channel"], "#cloud");
    EXPECT_TRUE(has(first[0]["message"], "New OpenStack project fresh-one (" + made[0] + ", domain default)"))
        << first.dump();
    EXPECT_TRUE(has(first[0]["message"], "Try: !project usage fresh-one")) << first.dump();

    // Made while serve is down: greeted after the restart; fresh-one is not
    // greeted again.
    make_project("while-down");
    json second;
    serve(env, [&](httplib::Client& c) {
        for (int i = 0; i < 500 && second.size() < 2; ++i) {
            std::this_thread::sleep_for(20ms);
            second = greetings(c);
        }
        std::this_thread::sleep_for(1500ms);
        second = greetings(c);
    });
    ASSERT_EQ(second.size(), 2u) << second.dump();
    std::string all = second.dump();
    EXPECT_TRUE(has(all, "New OpenStack project while-down (" + made[1])) << all;
    auto instances = json::parse(
        run_process(packhost({"trigger-instance", "list", "--trigger", "openstack.project_created", "--json"}), env)
            .out,
        nullptr, false);
    EXPECT_EQ(instances.size(), 2u) << instances.dump();
    for (const auto& id : made) keystone_->call("DELETE", "/v3/projects/" + id);
}

}  // namespace

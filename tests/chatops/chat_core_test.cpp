// The chat core on a host with a store and an event stream, through an
// adapter that keeps what is posted: when a quick action's answer goes out
// against when its records are saved, and an ack before its result.
#include "chatops/chat_core.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "chatops/aliases/alias.hpp"
#include "events/event_bus.hpp"
#include "host.hpp"
#include "support/event_log.hpp"
#include "support/host_options.hpp"
#include "support/temp_dir.hpp"

using namespace packhost;
using namespace std::chrono_literals;

namespace {

struct Posted {
    std::string text;
    std::vector<std::string> said;  // what the event stream had said of core.echo by then
};

class ChatCoreTest : public ::testing::Test, public chatops::Adapter {
protected:
    ChatCoreTest() : dir_("chat-core") {
        auto o = packhost::testing::fixture_host_options(dir_.path());
        o.events = &bus_;
        o.scheduler.inline_below = 100ms;  // core.echo is quick on any machine
        host_ = std::make_unique<Host>(o);
    }
    ~ChatCoreTest() override { core_.reset(); }

    // The core over these aliases (JSON documents, as in aliases/*.yaml).
    void start(const std::vector<Json>& docs) {
        std::vector<chatops::aliases::Alias> aliases;
        for (const auto& d : docs) aliases.push_back(chatops::aliases::Alias::parse(d, "test"));
        std::vector<std::string> problems;
        core_ = std::make_unique<chatops::ChatCore>(*host_, chatops::aliases::AliasIndex(std::move(aliases), problems),
                                                    chatops::ChatOptions{});
        ASSERT_TRUE(problems.empty());
        core_->add_adapter(*this);
    }

    // Says `text` in #ops and returns what the bot posted for it.
    std::vector<Posted> say(const std::string& text) {
        {
            std::lock_guard lock(mu_);
            posted_.clear();
        }
        core_->receive({name_, "alice", "#ops", "", text, false});
        EXPECT_TRUE(core_->wait_idle(5s));
        std::lock_guard lock(mu_);
        return posted_;
    }

    const std::string& name() const override { return name_; }
    void post(const chatops::Reply& reply) override {
        std::lock_guard lock(mu_);
        posted_.push_back({reply.text, said_.said()});
    }

    const std::string name_ = "test";
    packhost::testing::TempDir dir_;
    events::EventBus bus_;
    std::unique_ptr<Host> host_;
    packhost::testing::ExecutionEventLog said_{bus_, "core.echo"};
    std::unique_ptr<chatops::ChatCore> core_;
    std::mutex mu_;
    std::vector<Posted> posted_;
};

const std::vector<std::string> kEveryStatus = packhost::testing::ExecutionEventLog::every_status();

Json echo_alias(bool ack) {
    return {{"name", "echo"},
            {"pack", "test"},
            {"action_ref", "core.echo"},
            {"formats", {"echo {{message}}"}},
            {"ack", {{"enabled", ack}, {"format", "on it: {{ execution.id }}"}}},
            {"result", {{"format", "{{ execution.result.message }}"}}}};
}

}  // namespace

TEST_F(ChatCoreTest, AQuickActionIsAnsweredBeforeItsRecordsAreSaved) {
    start({echo_alias(false)});
    for (int i = 0; i < 3; ++i) say("!echo warm");  // now known to be quick
    ASSERT_TRUE(said_.clear_after(3 * kEveryStatus.size(), 10s));
    auto posted = say("!echo hi");
    ASSERT_EQ(posted.size(), 1u);
    EXPECT_EQ(posted[0].text, "hi");
    EXPECT_TRUE(posted[0].said.empty()) << "the answer waited for a record";
    // and then they are all saved, in order
    EXPECT_TRUE(said_.wait_for(kEveryStatus, 10s)) << ::testing::PrintToString(said_.said());
}

TEST_F(ChatCoreTest, AnAckGoesBeforeTheResultOfAQuickAction) {
    start({echo_alias(true)});
    for (int i = 0; i < 3; ++i) say("!echo warm");
    ASSERT_TRUE(said_.clear_after(3 * kEveryStatus.size(), 10s));
    auto posted = say("!echo hi");
    ASSERT_EQ(posted.size(), 2u);
    EXPECT_EQ(posted[0].text.rfind("on it: ", 0), 0u) << posted[0].text;
    EXPECT_EQ(posted[1].text, "hi");
    EXPECT_TRUE(said_.wait_for(kEveryStatus, 10s)) << ::testing::PrintToString(said_.said());
}

TEST_F(ChatCoreTest, AResultsPretextDelimiterIsShownAsHubotShowsItOutsideSlack) {
    // hubot-stackstorm's utils.splitMessage and default adapter: "{~}" parts
    // the pretext from the text; both are shown, on lines of their own.
    auto alias = [](const std::string& name, const std::string& format) {
        return Json{{"name", name},
                    {"pack", "test"},
                    {"action_ref", "core.echo"},
                    {"formats", {name + " {{message}}"}},
                    {"ack", {{"enabled", false}}},
                    {"result", {{"format", format}}}};
    };
    start({alias("both", "Ran it.{~}{{ execution.result.message }}"),
           alias("text", "{~}{{ execution.result.message }}"), alias("pretext", "{{ execution.result.message }}{~}"),
           alias("three", "a{~}{{ execution.result.message }}{~}dropped, as hubot drops it")});
    auto text_of = [&](const std::string& command) {
        auto posted = say(command);
        return posted.size() == 1 ? posted[0].text : "(" + std::to_string(posted.size()) + " posts)";
    };
    EXPECT_EQ(text_of("!both hi"), "Ran it.\nhi");
    EXPECT_EQ(text_of("!text hi"), "hi");
    EXPECT_EQ(text_of("!pretext hi"), "hi");
    EXPECT_EQ(text_of("!three hi"), "a\nhi");
}

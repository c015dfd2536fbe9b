// StackStorm's announcement runner (chatops.post_message, core.announcement):
// the parameters, less the runner's own, published as
// st2.announcement__<route> and returned as the result.
#include "events/announcement_runner.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "host.hpp"
#include "support/run_and_wait.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;

TEST(AnnouncementRunner, PublishesTheParametersOnItsRoute) {
    events::EventBus bus;
    std::mutex mu;
    std::vector<std::pair<std::string, std::string>> seen;
    bus.subscribe([&](const events::EventPtr& e) {
        if (e->type.rfind("st2.announcement__", 0) == 0) {
            std::lock_guard lock(mu);
            seen.emplace_back(e->type, e->data());
        }
        return true;
    });
    HostOptions o;
    o.packs_path = {BUNDLED_PACKS_DIR};
    o.events = &bus;
    Host host(o);
    auto posted =
        packhost::testing::run_and_wait(host, "chatops.post_message", {{"channel", "#ops"}, {"message", "hello"}});
    ASSERT_EQ(posted->status(), Status::succeeded) << posted->result().dump();
    auto general =
        packhost::testing::run_and_wait(host, "core.announcement", {{"message", "to all"}, {"route", "ops"}});
    ASSERT_EQ(general->status(), Status::succeeded) << general->result().dump();
    std::lock_guard lock(mu);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].first, "st2.announcement__chatops");
    auto payload = core::parse_json(seen[0].second, "event");
    EXPECT_EQ(payload, (json{{"channel", "#ops"}, {"message", "hello"}, {"adapter", ""}, {"whisper", false}}));
    EXPECT_EQ(posted->result(), payload);
    EXPECT_EQ(seen[1].first, "st2.announcement__ops");
    EXPECT_EQ(core::parse_json(seen[1].second, "event"), (json{{"message", "to all"}}));
}

TEST(AnnouncementRunner, RefusesWhatItCannotAnnounce) {
    events::EventBus bus;
    HostOptions o;
    o.packs_path = {BUNDLED_PACKS_DIR};
    o.events = &bus;
    Host host(o);
    using packhost::testing::run_and_wait;
    EXPECT_THROW(run_and_wait(host, "chatops.post_message", {{"message", "no channel"}}), core::ValidationError);
    // StackStorm's flag, immutable in the actions that use the runner.
    EXPECT_THROW(run_and_wait(host, "core.announcement", {{"experimental", false}}), core::ValidationError);
    EXPECT_THROW(run_and_wait(host, "core.announcement", {{"colour", "red"}}), core::ValidationError);

    HostOptions lone;
    lone.packs_path = {BUNDLED_PACKS_DIR};
    Host quiet(lone);  // a host that publishes nothing says so
    auto nobody =
        packhost::testing::run_and_wait(quiet, "chatops.post_message", {{"channel", "#ops"}, {"message", "hi"}});
    EXPECT_EQ(nobody->status(), Status::failed);
    EXPECT_NE(nobody->result()["error"].get<std::string>().find("only from packhost serve or packhost chat"),
              std::string::npos);
}

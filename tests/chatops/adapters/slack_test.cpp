// The Slack adapter's checks, as Slack documents them: the signature of its
// own example request, stale and forged requests, the events the bot reads.
#include "chatops/adapters/slack.hpp"

#include <gtest/gtest.h>

namespace packhost::chatops::adapters {
namespace {

// https://api.slack.com/authentication/verifying-requests-from-slack: the
// signing secret, timestamp, body and signature of Slack's worked example.
const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const char* kTimestamp = "1531420618";
const char* kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
    "2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015."
    "47445629121.803a0bc887a14d10d2c447fce8b6703c";
const char* kSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

http::Request signed_request(std::string timestamp, std::string signature, std::string body) {
    http::Request r;
    r.method = "POST";
    r.path = "/chatops/slack/events";
    if (!timestamp.empty()) r.headers.emplace_back("x-slack-request-timestamp", timestamp);
    if (!signature.empty()) r.headers.emplace_back("x-slack-signature", signature);
    r.body = std::move(body);
    return r;
}

TEST(SlackSigning, SlacksOwnExampleVerifies) {
    EXPECT_EQ(slack_signature(kSecret, kTimestamp, kBody), kSignature);
    auto r = signed_request(kTimestamp, kSignature, kBody);
    EXPECT_EQ(verify_slack_request(r, kSecret, 1531420618 + 299), SlackVerdict::ok);
    EXPECT_EQ(verify_slack_request(r, kSecret, 1531420618 - 299), SlackVerdict::ok);
}

TEST(SlackSigning, StaleForgedAndMissingAreRefused) {
    auto r = signed_request(kTimestamp, kSignature, kBody);
    EXPECT_EQ(verify_slack_request(r, kSecret, 1531420618 + 301), SlackVerdict::stale);
    EXPECT_EQ(verify_slack_request(r, kSecret, 1531420618 - 301), SlackVerdict::stale);
    EXPECT_EQ(verify_slack_request(r, "another secret", 1531420618), SlackVerdict::forged);
    auto tampered = signed_request(kTimestamp, kSignature, std::string(kBody) + "&x=1");
    EXPECT_EQ(verify_slack_request(tampered, kSecret, 1531420618), SlackVerdict::forged);
    std::string upper = kSignature;
    upper[3] = 'A';  // hex digits in another case are another signature
    EXPECT_EQ(verify_slack_request(signed_request(kTimestamp, upper, kBody), kSecret, 1531420618),
              SlackVerdict::forged);
    EXPECT_EQ(verify_slack_request(signed_request(kTimestamp, "v1=" + std::string(kSignature + 3), kBody), kSecret,
                                   1531420618),
              SlackVerdict::forged);
    EXPECT_EQ(verify_slack_request(signed_request("1531420618x", kSignature, kBody), kSecret, 1531420618),
              SlackVerdict::forged);
    EXPECT_EQ(verify_slack_request(signed_request("", kSignature, kBody), kSecret, 1531420618), SlackVerdict::missing);
    EXPECT_EQ(verify_slack_request(signed_request(kTimestamp, "", kBody), kSecret, 1531420618), SlackVerdict::missing);
}

Json callback(Json event) {
    return Json{{"type", "event_callback"}, {"team_id", "T1"}, {"event_id", "Ev1"}, {"event", std::move(event)}};
}

TEST(SlackEvents, MentionsAndMessagesBecomeChatMessages) {
    auto m = slack_message(callback({{"type", "app_mention"},
                                     {"user", "U061F7AUR"},
                                     {"text", "<@U0LAN0Z89> echo &lt;b&gt; &amp; \u201cquoted\u201d it\u2019s"},
                                     {"ts", "1515449522.000016"},
                                     {"channel", "C0LAN2Q65"}}));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->adapter, "slack");
    EXPECT_EQ(m->user, "U061F7AUR");
    EXPECT_EQ(m->channel, "C0LAN2Q65");
    EXPECT_EQ(m->thread, "");
    EXPECT_EQ(m->text, " echo <b> & \"quoted\" it's");
    EXPECT_TRUE(m->addressed);
    m = slack_message(callback({{"type", "message"},
                                {"user", "U1"},
                                {"text", "!echo hi"},
                                {"ts", "2.0"},
                                {"thread_ts", "1.0"},
                                {"channel", "C1"},
                                {"channel_type", "channel"}}));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->thread, "1.0");
    EXPECT_FALSE(m->addressed);
    m = slack_message(callback(
        {{"type", "message"}, {"user", "U1"}, {"text", "echo hi"}, {"channel", "D1"}, {"channel_type", "im"}}));
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->addressed);
}

// Slack's formatting (https://api.slack.com/reference/surfaces/formatting),
// read back as hubot-slack's formatter does.
std::string read_back(const std::string& text, const std::string& type = "message") {
    auto m =
        slack_message(callback({{"type", type}, {"user", "U1"}, {"text", text}, {"ts", "1.0"}, {"channel", "C1"}}));
    return m ? m->text : "(not read)";
}

TEST(SlackEvents, LinksChannelsAndMentionsAreReadBackAsTyped) {
    EXPECT_EQ(read_back("!run core.http url=<https://example.com/a?b=1&amp;c=2>"),
              "!run core.http url=https://example.com/a?b=1&c=2");
    EXPECT_EQ(read_back("open <https://example.com|example.com> now"), "open https://example.com now");
    EXPECT_EQ(read_back("<http://x.io/p|click here>"), "click here (http://x.io/p)");
    EXPECT_EQ(read_back("mail <mailto:bob@x.io|bob@x.io>"), "mail bob@x.io");
    EXPECT_EQ(read_back("in <#C024BE7LR|general> and <#C024BE7LR>"), "in #general and <#C024BE7LR>");
    EXPECT_EQ(read_back("ask <@U024BE7LH|bob> or <@U024BE7LH>"), "ask @bob or <@U024BE7LH>");
    EXPECT_EQ(read_back("<!here> <!channel> <!subteam^SAZ94GDB8|@ops> <!date^1392734382^{date}|Feb 18>"),
              "@here @channel @ops Feb 18");
    // What the user typed as < and > arrives escaped: never a link.
    EXPECT_EQ(read_back("a &lt;b|c&gt; &amp;&lt;"), "a <b|c> &<");
    EXPECT_EQ(read_back("x <> y < z"), "x <> y < z");
    EXPECT_EQ(read_back("<@U0LAN0Z89> echo <https://x.io>", "app_mention"), " echo https://x.io");
    EXPECT_EQ(read_back("<@U0LAN0Z89|packhost> echo hi", "app_mention"), " echo hi");
}

TEST(SlackEvents, AMessagesTwoDeliveriesHaveOneKey) {
    Json mention = callback(
        {{"type", "app_mention"}, {"user", "U1"}, {"text", "<@U0LAN0Z89> hi"}, {"ts", "1.000016"}, {"channel", "C1"}});
    Json message = callback({{"type", "message"},
                             {"user", "U1"},
                             {"text", "<@U0LAN0Z89> hi"},
                             {"ts", "1.000016"},
                             {"channel", "C1"},
                             {"channel_type", "channel"}});
    EXPECT_EQ(slack_message_key(mention), "C1/1.000016");
    EXPECT_EQ(slack_message_key(message), slack_message_key(mention));
    message["event"]["channel"] = "C2";  // a ts is unique within its channel only
    EXPECT_NE(slack_message_key(message), slack_message_key(mention));
    EXPECT_EQ(slack_message_key(callback({{"type", "message"}, {"user", "U1"}, {"channel", "C1"}})), "");
    EXPECT_EQ(slack_message_key(Json::array()), "");
}

TEST(SlackWebApi, TheBodyIsTheTextOrWhatExtraSlackShapes) {
    // chat.postMessage's fields (https://api.slack.com/methods/chat.postMessage)
    // from hubot-stackstorm's result.extra.slack forms.
    Reply plain{"C1", "1.5", "hi", Json()};
    EXPECT_EQ(slack_message_body(plain), Json::parse(R"({"channel": "C1", "thread_ts": "1.5", "text": "hi"})"));
    Reply other{"C1", "", "hi", Json{{"irc", {{"x", 1}}}}};  // another adapter's extra
    EXPECT_EQ(slack_message_body(other), Json::parse(R"({"channel": "C1", "text": "hi"})"));
    Reply attachments{"C1", "", "hi",
                      Json::parse(R"({"slack": {"icon_emoji": ":jira:", "username": "Jira Bot", "channel": "C9",
                                                "attachments": [{"title": "PH-1", "color": "#042A60"}]}})")};
    EXPECT_EQ(slack_message_body(attachments), Json::parse(R"({"channel": "C1", "icon_emoji": ":jira:",
        "username": "Jira Bot", "attachments": [{"title": "PH-1", "color": "#042A60"}], "text": "hi"})"));
    Reply fields{"C1", "", "hi",
                 Json::parse(R"({"color": "#00AA00", "slack": {"title": "PH-1", "fields": [{"title": "a"}]}})")};
    EXPECT_EQ(slack_message_body(fields), Json::parse(R"({"channel": "C1", "attachments": [{"mrkdwn_in": ["text",
        "pretext"], "color": "#00AA00", "title": "PH-1", "fields": [{"title": "a"}], "text": "hi", "fallback": "hi"}]})"));
}

TEST(SlackWebApi, RetryAfterIsReadInAnyCase) {
    EXPECT_EQ(slack_retry_after("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n"), 30);
    EXPECT_EQ(slack_retry_after("HTTP/2 429\r\ncontent-type: application/json\r\nretry-after: 7\r\n\r\n"), 7);
    EXPECT_EQ(slack_retry_after("HTTP/2 429\r\nRETRY-AFTER:12\r\n\r\n"), 12);
    EXPECT_EQ(slack_retry_after("HTTP/2 429\r\nx-retry-after: 9\r\n\r\n"), 1);
    EXPECT_EQ(slack_retry_after("HTTP/2 429\r\nretry-after: soon\r\n\r\n"), 1);
    EXPECT_EQ(slack_retry_after(""), 1);
}

TEST(SlackEvents, TheBotsOwnPostsEditsAndOtherEventsAreNotRead) {
    EXPECT_FALSE(
        slack_message(callback({{"type", "message"}, {"bot_id", "B1"}, {"text", "!echo loop"}, {"channel", "C1"}})));
    EXPECT_FALSE(slack_message(callback(
        {{"type", "message"}, {"subtype", "message_changed"}, {"user", "U1"}, {"text", "!x"}, {"channel", "C1"}})));
    EXPECT_FALSE(slack_message(callback({{"type", "reaction_added"}, {"user", "U1"}})));
    EXPECT_FALSE(slack_message(Json{{"type", "url_verification"}, {"challenge", "x"}}));
    EXPECT_FALSE(slack_message(Json::array()));
}

}  // namespace
}  // namespace packhost::chatops::adapters

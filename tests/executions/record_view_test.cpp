// An execution as `execution get --json`, the API and chat templates see it:
// StackStorm's field names, in one order, times as ISO 8601.
#include "executions/record_view.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using packhost::Json;
using packhost::executions::record_view;
using packhost::store::ExecutionRecord;
using packhost::store::OutputRecord;

namespace {

// 2026-12-05T01:02:03.000004Z
constexpr int64_t kStart = 1796432523000004;

ExecutionRecord finished_record() {
    ExecutionRecord r;
    r.id = "e1";
    r.action = "core.echo";
    r.runner_type = "native";
    r.status = packhost::core::Status::succeeded;
    r.parameters = {{"message", "hi"}};
    r.result = {{"message", "hi"}};
    r.context = {{"user", "alice"}};
    r.log = Json::array({Json{{"status", "requested"}, {"timestamp", kStart}},
                         Json{{"status", "scheduled"}, {"timestamp", kStart + 1000}},
                         Json{{"status", "succeeded"}, {"timestamp", kStart + 1500000}}});
    r.start_us = kStart;
    r.end_us = kStart + 1500000;
    return r;
}

std::vector<std::string> keys_of(const Json& j) {
    std::vector<std::string> out;
    for (const auto& [k, v] : j.items()) out.push_back(k);
    return out;
}

TEST(RecordView, StackStormFieldsInOrder) {
    Json v = record_view(finished_record());
    EXPECT_EQ(keys_of(v),
              (std::vector<std::string>{"id", "action", "runner", "parameters", "status", "result", "start_timestamp",
                                        "end_timestamp", "elapsed_seconds", "context", "log"}));
    EXPECT_EQ(v["action"], (Json{{"ref", "core.echo"}, {"pack", "core"}, {"name", "echo"}, {"runner_type", "native"}}));
    EXPECT_EQ(v["runner"], (Json{{"name", "native"}}));
    EXPECT_EQ(v["status"], "succeeded");
    EXPECT_EQ(v["start_timestamp"], "2026-12-05T01:02:03.000004Z");
    EXPECT_EQ(v["end_timestamp"], "2026-12-05T01:02:04.500004Z");
    EXPECT_DOUBLE_EQ(v["elapsed_seconds"].get<double>(), 1.5);
}

TEST(RecordView, LogTimesAreIsoAndEntriesKeepTheirOrder) {
    Json v = record_view(finished_record());
    ASSERT_EQ(v["log"].size(), 3u);
    EXPECT_EQ(v["log"][0], (Json{{"status", "requested"}, {"timestamp", "2026-12-05T01:02:03.000004Z"}}));
    EXPECT_EQ(v["log"][1], (Json{{"status", "scheduled"}, {"timestamp", "2026-12-05T01:02:03.001004Z"}}));
    EXPECT_EQ(keys_of(v["log"][2]), (std::vector<std::string>{"status", "timestamp"}));
    EXPECT_EQ(v["log"][2]["timestamp"], "2026-12-05T01:02:04.500004Z");
}

TEST(RecordView, TheCopyingFormLeavesTheRecordAsItWas) {
    const ExecutionRecord r = finished_record();
    Json v = record_view(r);
    EXPECT_EQ(r.log[0]["timestamp"], kStart);
    EXPECT_EQ(v["log"][0]["timestamp"], "2026-12-05T01:02:03.000004Z");
}

TEST(RecordView, UnfinishedHasNoEndAndParentAndOutputWhenThere) {
    ExecutionRecord r = finished_record();
    r.status = packhost::core::Status::running;
    r.end_us = 0;
    r.parent = "p1";
    std::vector<OutputRecord> output{{"e1", 0, "stdout", "line\n", kStart}};
    Json v = record_view(r, &output);
    EXPECT_TRUE(v["end_timestamp"].is_null());
    EXPECT_EQ(v["parent"], "p1");
    EXPECT_EQ(v["output"], Json::array({Json{{"output_type", "stdout"}, {"data", "line\n"}}}));
}

}  // namespace

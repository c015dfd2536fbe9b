// The status table: names both ways, the groups, and which moves are
// allowed (what Execution::transition checks every change against).
#include "core/status.hpp"

#include <gtest/gtest.h>

using packhost::core::Status;
namespace core = packhost::core;

TEST(Status, NamesRoundTrip) {
    for (auto s : {Status::requested, Status::scheduled, Status::delayed, Status::running, Status::succeeded,
                   Status::failed, Status::timeout, Status::abandoned, Status::canceling, Status::canceled,
                   Status::pending, Status::pausing, Status::paused, Status::resuming}) {
        EXPECT_EQ(core::parse_status(core::to_string(s)), s);
    }
    EXPECT_FALSE(core::parse_status("cancelled")) << "one spelling";
    EXPECT_EQ(core::status_names().substr(0, 30), "requested, scheduled, delayed,");
}

TEST(Status, Groups) {
    for (auto s : {Status::succeeded, Status::failed, Status::timeout, Status::canceled, Status::abandoned}) {
        EXPECT_TRUE(core::is_completed(s)) << core::to_string(s);
        EXPECT_FALSE(core::is_active(s));
    }
    for (auto s : {Status::requested, Status::scheduled, Status::running, Status::canceling, Status::pausing,
                   Status::resuming}) {
        EXPECT_TRUE(core::is_active(s)) << core::to_string(s);
    }
    EXPECT_FALSE(core::is_active(Status::paused));
    EXPECT_FALSE(core::is_completed(Status::paused));
}

TEST(Status, Transitions) {
    // The lifecycle, and a workflow's pause and resume.
    EXPECT_TRUE(core::can_transition(Status::requested, Status::scheduled));
    EXPECT_TRUE(core::can_transition(Status::scheduled, Status::running));
    EXPECT_TRUE(core::can_transition(Status::running, Status::succeeded));
    EXPECT_TRUE(core::can_transition(Status::running, Status::canceling));
    EXPECT_TRUE(core::can_transition(Status::canceling, Status::canceled));
    EXPECT_TRUE(core::can_transition(Status::running, Status::pausing));
    EXPECT_TRUE(core::can_transition(Status::pausing, Status::paused));
    EXPECT_TRUE(core::can_transition(Status::paused, Status::resuming));
    EXPECT_TRUE(core::can_transition(Status::resuming, Status::running));
    // Anything active may time out or be abandoned by its ended process.
    EXPECT_TRUE(core::can_transition(Status::paused, Status::abandoned));
    EXPECT_TRUE(core::can_transition(Status::scheduled, Status::timeout));
    // Nothing leaves a completed status; nothing skips back.
    EXPECT_FALSE(core::can_transition(Status::succeeded, Status::running));
    EXPECT_FALSE(core::can_transition(Status::canceled, Status::canceled));
    EXPECT_FALSE(core::can_transition(Status::running, Status::scheduled));
    EXPECT_FALSE(core::can_transition(Status::scheduled, Status::succeeded)) << "it must run first";
    EXPECT_FALSE(core::can_transition(Status::paused, Status::succeeded)) << "it resumes first";
}

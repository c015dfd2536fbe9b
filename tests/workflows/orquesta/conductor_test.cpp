// The conductor alone, through Orquesta's rehearsal (rehearsal.hpp). The
// expected sequences, routes, statuses and errors are Orquesta's for the
// same workflows (its native conducting tests). Every test runs twice: with
// the definitions in Jinja as written, and in YAQL (<% %>) as Orquesta's
// own fixtures are written.
#include <gtest/gtest.h>

#include "rehearsal.hpp"

using namespace packhost;
using namespace packhost::workflows::orquesta;
using namespace packhost::workflows::orquesta::rehearsal;

namespace {

class Conducting : public InBothLanguages {};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Languages, Conducting, ::testing::Values(false, true), language_name);

TEST_P(Conducting, SequentialTasksPublishForTheNextAndTheOutput) {
    Rehearsal r("sequential", {{"name", "ops"}});
    r.conduct({{"task1", Status::succeeded, "ops"}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task3"}));
    EXPECT_EQ(r.routes(), json::parse("[[]]"));
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"greeting", "hello ops"}, {"shout", "HELLO OPS"}}));
}

TEST_P(Conducting, HandsOutRenderedActionsWithTheirInput) {
    Rehearsal r("sequential", {{"name", "ops"}});
    r.conductor->request_workflow_status(Status::running);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, "task1");
    ASSERT_EQ(next[0].actions.size(), 1u);
    EXPECT_EQ(next[0].actions[0].action, "core.echo");
    EXPECT_EQ(next[0].actions[0].input, (json{{"message", "ops"}}));
    EXPECT_EQ(r.conductor->task_context("task1", 0)["st2"]["workflow_execution_id"], "wf-1");
}

TEST_P(Conducting, JoinCountRunsTheJoinOnceWhenEveryBranchSucceeds) {
    Rehearsal r("join_count");
    r.conduct();
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "task7", "task8"}));
    EXPECT_EQ(r.status(), Status::succeeded);
}

TEST_P(Conducting, JoinCountIsSatisfiedWhileABranchStillRuns) {
    Rehearsal r("join_count");
    r.conduct({{"task6", Status::running}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "task8"}));
    EXPECT_EQ(r.status(), Status::running);
}

TEST_P(Conducting, JoinCountIsSatisfiedWhenOneBranchFailsAndIsRemediated) {
    Rehearsal r("join_count");
    r.conduct({{"task6", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task6", "noop__r1", "task3", "task5", "task8"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task6__t0"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    Rehearsal later("join_count");
    later.conduct({{"task7", Status::failed}});
    EXPECT_EQ(later.sequence(),
              (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "task7", "noop__r1", "task8"}));
    EXPECT_EQ(later.routes(), json::parse(R"([[], ["task7__t0"]])"));
    EXPECT_EQ(later.status(), Status::succeeded);
}

TEST_P(Conducting, JoinCountNotSatisfiedFailsTheWorkflowAsUnreachable) {
    Rehearsal r("join_count");
    r.conduct({{"task5", Status::failed}, {"task7", Status::failed}});
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "noop__r1", "task7", "noop__r2"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task5__t0"], ["task7__t0"]])"));
    EXPECT_EQ(r.status(), Status::failed);
    json unreachable{
        {"type", "error"},
        {"message", "UnreachableJoinError: The join task|route \"task8|0\" is partially satisfied but unreachable."},
        {"task_id", "task8"},
        {"route", 0}};
    EXPECT_EQ(r.conductor->errors(), (json{failed_error("task5"), failed_error("task7"), unreachable}));
}

TEST_P(Conducting, AnUnremediatedFailureFailsFastAndTheRestOfTheRoundStillReports) {
    Rehearsal r("join_count");
    r.conduct({{"task3", Status::failed}, {"task5", Status::failed}, {"task7", Status::failed}});
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "noop__r1", "task7", "noop__r2"}));
    EXPECT_EQ(r.status(), Status::failed);
    EXPECT_EQ(r.conductor->errors(), (json{failed_error("task3"), failed_error("task5"), failed_error("task7")}));
}

TEST_P(Conducting, JoinCountsInboundTasksNotTransitions) {
    // task2 reaches task4 by two transitions: that is one inbound task of
    // the two `join: 2` waits for.
    Rehearsal r("join_twice");
    r.conduct({{"task3", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task3", "noop"}));
    EXPECT_EQ(r.status(), Status::failed);
    ASSERT_EQ(r.conductor->errors().size(), 2u);
    EXPECT_EQ(r.conductor->errors()[1]["task_id"], "task4");

    Rehearsal ok("join_twice");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1", "task2", "task3", "task4"}));
    EXPECT_EQ(ok.status(), Status::succeeded);
}

TEST_P(Conducting, JoinMergesWhatEveryBranchPublishedOverTheInitialVars) {
    for (int run = 0; run < 3; ++run) {  // the same answer every run
        Rehearsal r("join_context");
        r.conduct({{"task2", Status::succeeded, "Fee fi"},
                   {"task4", Status::succeeded, "I smell the blood of an English man"},
                   {"task3", Status::succeeded, "fo fum"},
                   {"task7", Status::succeeded, "Be alive, or be he dead"}});
        EXPECT_EQ(r.sequence(),
                  (Seq{"task1", "task2", "task4", "task6", "task8", "task3", "task5", "task7", "task9", "task10"}));
        EXPECT_EQ(r.status(), Status::succeeded);
        EXPECT_EQ(r.output(), (json{{"messages",
                                     {"Fee fi fo fum", "I smell the blood of an English man", "Be alive, or be he dead",
                                      "I'll grind his bones to make my bread"}}}));
    }
}

TEST_P(Conducting, WithoutJoinATaskRunsOncePerBranchOnARouteOfItsOwn) {
    Rehearsal r("no_join");
    r.conduct();
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task3", "task4__r1", "task4__r2"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task2__t0"], ["task3__t0"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);
}

TEST_P(Conducting, ContinueAfterAFailureEndsTheWorkflowFailed) {
    Rehearsal ok("error_continue");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1", "task2", "continue__r1"}));
    EXPECT_EQ(ok.routes(), json::parse(R"([[], ["task2__t0"]])"));
    EXPECT_EQ(ok.status(), Status::succeeded);
    EXPECT_EQ(ok.output(), (json{{"message", "hooray!!!"}}));

    Rehearsal r("error_continue");
    r.conduct({{"task1", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "continue__r1"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"]])"));
    EXPECT_EQ(r.status(), Status::failed);
    EXPECT_EQ(r.output(), (json{{"message", "$%#&@#$!!!"}})) << "the output is rendered on failure too";
    EXPECT_EQ(r.conductor->errors(), (json{failed_error("task1")}));
}

TEST_P(Conducting, NoopAfterAFailureEndsTheWorkflowSucceeded) {
    Rehearsal ok("error_noop");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1", "task2", "continue"}));
    EXPECT_EQ(ok.status(), Status::succeeded);

    Rehearsal r("error_noop");
    r.conduct({{"task1", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "noop"}));
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"message", "$%#&@#$!!!"}}));
    EXPECT_EQ(r.conductor->errors(), (json{failed_error("task1")})) << "a handled failure is still logged";
}

TEST_P(Conducting, RemediationThenFailEndsTheWorkflowFailed) {
    Rehearsal r("error_fail");
    r.conduct({{"task1", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task3", "fail"}));
    EXPECT_EQ(r.status(), Status::failed);
    EXPECT_EQ(r.output(), (json{{"message", "$%#&@#$!!!"}}));
    EXPECT_EQ(r.conductor->errors(), (json{failed_error("task1"), failed_error("fail")}));
}

TEST_P(Conducting, RetryRunsTheSameTaskStateAgainAfterItsDelay) {
    Rehearsal r("retry");
    r.conductor->request_workflow_status(Status::running);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_FALSE(next[0].delay) << "no delay before the first attempt";
    for (int attempt = 1; attempt <= 2; ++attempt) {
        r.conductor->update_task_state("task1", 0, Event::action(Status::running));
        r.conductor->update_task_state("task1", 0, Event::action(Status::failed));
        r.reload();
        next = r.conductor->get_next_tasks();
        ASSERT_EQ(next.size(), 1u) << "attempt " << attempt;
        ASSERT_TRUE(next[0].delay);
        EXPECT_EQ(*next[0].delay, 2.0);
        EXPECT_EQ(r.conductor->state().sequence()[0].retry->tally, attempt);
    }
    r.conductor->update_task_state("task1", 0, Event::action(Status::running));
    r.conductor->update_task_state("task1", 0, Event::action(Status::succeeded));
    EXPECT_TRUE(r.conductor->get_next_tasks().empty());
    r.conductor->render_workflow_output();
    EXPECT_EQ(r.sequence(), (Seq{"task1", "continue"}));
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"status", "succeeded"}}));
}

TEST_P(Conducting, RetriesExhaustedEndTheWorkflowFailed) {
    Rehearsal r("retry");
    r.conduct(
        {{"task1", Status::failed}, {"task1", Status::failed}, {"task1", Status::failed}, {"task1", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1"}));
    EXPECT_EQ(r.conductor->state().sequence()[0].retry->tally, 3);
    EXPECT_EQ(r.status(), Status::failed);
}

TEST_P(Conducting, ALoopRunsTheTaskAgainAsNewTaskStates) {
    Rehearsal r("cycle");
    r.conduct();
    EXPECT_EQ(r.sequence(), (Seq{"init", "check", "check", "check", "check", "done"}));
    EXPECT_EQ(r.routes(), json::parse("[[]]"));
    EXPECT_EQ(r.output(), (json{{"count", 3}}));
}

TEST_P(Conducting, WithItemsHandsOutItemsAsTheConcurrencyAllows) {
    Rehearsal r("items", {{"hosts", {"a", "b", "c"}}});
    r.conductor->request_workflow_status(Status::running);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].items_count, 3u);
    EXPECT_EQ(next[0].concurrency, 2);
    ASSERT_EQ(next[0].actions.size(), 2u);
    EXPECT_EQ(next[0].actions[0].input, (json{{"message", "a"}}));
    EXPECT_EQ(next[0].actions[1].item, 1u);
    for (size_t i : {0u, 1u}) r.conductor->update_task_state("ping", 0, Event::item_event(i, Status::running));
    EXPECT_TRUE(r.conductor->get_next_tasks().empty()) << "two running: no room";
    json so_far{"a", nullptr, nullptr};
    r.conductor->update_task_state("ping", 0, Event::item_event(0, Status::succeeded, "a", &so_far));
    // Item statuses are not recorded (their executions are): restored, the
    // runtime notes the items that had an execution and feeds how each ended.
    r.reload();
    EXPECT_EQ(r.conductor->state().staged()[0].items_in(Status::unset), 3u);
    r.conductor->note_item_started("ping", 0, 0);
    r.conductor->note_item_started("ping", 0, 1);
    r.conductor->update_task_state("ping", 0, Event::item_event(0, Status::succeeded, "a", &so_far));
    EXPECT_EQ(r.conductor->state().sequence()[0].status, Status::running);
    next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    ASSERT_EQ(next[0].actions.size(), 1u);
    EXPECT_EQ(next[0].actions[0].item, 2u);
    EXPECT_EQ(next[0].actions[0].input, (json{{"message", "c"}}));
    r.conductor->update_task_state("ping", 0, Event::item_event(2, Status::running));
    so_far = json{"a", "b", nullptr};
    r.conductor->update_task_state("ping", 0, Event::item_event(1, Status::succeeded, "b", &so_far));
    so_far = json{"a", "b", "c"};
    r.conductor->update_task_state("ping", 0, Event::item_event(2, Status::succeeded, "c", &so_far));
    EXPECT_TRUE(r.conductor->get_next_tasks().empty());
    r.conductor->render_workflow_output();
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"replies", {"a", "b", "c"}}}));
}

TEST_P(Conducting, WithItemsFailsWhenAnItemFailsOnceAllEnded) {
    Rehearsal r("items", {{"hosts", {"a", "b"}}});
    r.conductor->request_workflow_status(Status::running);
    r.conductor->get_next_tasks();
    for (size_t i : {0u, 1u}) r.conductor->update_task_state("ping", 0, Event::item_event(i, Status::running));
    json so_far{"x", nullptr};
    r.conductor->update_task_state("ping", 0, Event::item_event(0, Status::failed, "x", &so_far));
    EXPECT_EQ(r.conductor->state().sequence()[0].status, Status::running) << "the other item still runs";
    so_far = json{"x", "b"};
    r.conductor->update_task_state("ping", 0, Event::item_event(1, Status::succeeded, "b", &so_far));
    EXPECT_EQ(r.conductor->state().sequence()[0].status, Status::failed);
    EXPECT_EQ(r.status(), Status::failed);
}

TEST_P(Conducting, WithItemsOverAnEmptyListIsHandedOutWithNoAction) {
    Rehearsal r("items", {{"hosts", json::array()}});
    r.conductor->request_workflow_status(Status::running);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].items_count, 0u);
    EXPECT_TRUE(next[0].actions.empty());
    r.conductor->update_task_state("ping", 0, Event::action(Status::running));
    r.conductor->update_task_state("ping", 0, Event::action(Status::succeeded));
    r.conductor->render_workflow_output();
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"replies", json::array()}}));
}

TEST_P(Conducting, ATaskThatDoesNotRenderFailsTheWorkflowAndTakesNoTransition) {
    Rehearsal r("bad_input");
    r.conduct();
    EXPECT_TRUE(r.sequence().empty());
    EXPECT_EQ(r.status(), Status::failed);
    ASSERT_EQ(r.conductor->errors().size(), 1u);
    const auto& e = r.conductor->errors()[0];
    EXPECT_EQ(e["task_id"], "task1");
    EXPECT_EQ(e["route"], 0);
    // Orquesta's words for each language.
    std::string expected = GetParam()
                               ? "YaqlEvaluationException: Unable to resolve key 'nothing' in expression "
                                 "'<% ctx().nothing.here %>' from context."
                               : "JinjaEvaluationException: Unable to evaluate expression '{{ ctx().nothing.here }}'.";
    EXPECT_EQ(e["message"].get<std::string>().rfind(expected, 0), 0u) << e;
}

// Orquesta renders with jinja2's StrictUndefined (and YAQL has no undefined):
// a value that is not there fails the workflow; it is not printed as "".
TEST_P(Conducting, AnUndefinedValueInAPublishOrAConditionFailsTheWorkflow) {
    for (const char* name : {"publish_undefined", "when_undefined"}) {
        SCOPED_TRACE(name);
        Rehearsal r(name);
        r.conduct();
        EXPECT_EQ(r.sequence(), (Seq{"task1"}));
        EXPECT_EQ(r.status(), Status::failed);
        ASSERT_EQ(r.conductor->errors().size(), 1u) << r.conductor->errors();
        const auto& e = r.conductor->errors()[0];
        EXPECT_EQ(e["task_id"], "task1");
        EXPECT_EQ(e["task_transition_id"], "task2__t0");
        std::string message = e["message"];
        EXPECT_NE(message.find(GetParam() ? "YaqlEvaluationException: Unable to resolve key"
                                          : "JinjaEvaluationException: Unable to evaluate expression"),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find(name == std::string("publish_undefined") ? "nobody" : "missing"), std::string::npos)
            << message;
    }
}

TEST_P(Conducting, InputAndVarsThatDoNotRenderFailTheWorkflowBeforeAnyTask) {
    Rehearsal r("sequential", {{"name", "{{ ctx().nobody.knows }}"}});
    EXPECT_EQ(r.status(), Status::failed);
    EXPECT_TRUE(r.conductor->get_next_tasks().empty());
    ASSERT_EQ(r.conductor->errors().size(), 1u);
    EXPECT_EQ(r.conductor->errors()[0].value("task_id", ""), "");
}

TEST_P(Conducting, PauseWaitsForTheActiveTaskAndResumeGoesOn) {
    Rehearsal r("sequential", {{"name", "ops"}});
    r.conductor->request_workflow_status(Status::running);
    r.conductor->get_next_tasks();
    r.conductor->update_task_state("task1", 0, Event::action(Status::running));
    r.conductor->request_workflow_status(Status::paused);
    EXPECT_EQ(r.status(), Status::pausing) << "task1 is still running";
    r.conductor->update_task_state("task1", 0, Event::action(Status::succeeded, "ops"));
    EXPECT_EQ(r.status(), Status::paused);
    EXPECT_TRUE(r.conductor->get_next_tasks().empty()) << "nothing starts while paused";
    r.reload();
    EXPECT_THROW(r.conductor->request_workflow_status(Status::succeeded), std::logic_error);
    r.conductor->request_workflow_status(Status::resuming);
    EXPECT_EQ(r.status(), Status::resuming);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, "task2");
    r.conductor->update_task_state("task2", 0, Event::action(Status::running));
    EXPECT_EQ(r.status(), Status::running);
}

TEST_P(Conducting, PauseWithNothingActivePausesAtOnce) {
    Rehearsal r("sequential", {{"name", "ops"}});
    r.conductor->request_workflow_status(Status::running);
    r.conductor->request_workflow_status(Status::paused);
    EXPECT_EQ(r.status(), Status::paused);
    r.conductor->request_workflow_status(Status::resuming);
    EXPECT_EQ(r.status(), Status::resuming) << "task1 is staged: there is work left";
}

TEST_P(Conducting, CancelWaitsForTheActiveTaskThenEndsCanceled) {
    Rehearsal r("sequential", {{"name", "ops"}});
    r.conductor->request_workflow_status(Status::running);
    r.conductor->get_next_tasks();
    r.conductor->update_task_state("task1", 0, Event::action(Status::running));
    r.conductor->request_workflow_status(Status::canceled);
    EXPECT_EQ(r.status(), Status::canceling);
    EXPECT_TRUE(r.conductor->get_next_tasks().empty());
    r.conductor->update_task_state("task1", 0, Event::action(Status::canceled));
    EXPECT_EQ(r.status(), Status::canceled);
    EXPECT_THROW(r.conductor->request_workflow_status(Status::paused), std::logic_error);
}

TEST_P(Conducting, TaskStatusFunctionsSeeTheCurrentTask) {
    Rehearsal r("error_fail");
    r.conductor->request_workflow_status(Status::running);
    r.conductor->get_next_tasks();
    r.conductor->update_task_state("task1", 0, Event::action(Status::running));
    r.conductor->update_task_state("task1", 0, Event::action(Status::failed, json{{"error", "boom"}}));
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, "task3") << "failed() held for task1's transition to task3";
    const auto& entry = r.conductor->state().sequence()[0];
    ASSERT_EQ(entry.next.size(), 2u);
    EXPECT_EQ(entry.next[0], (std::pair<std::string, bool>{"task2__t0", false}));
    EXPECT_EQ(entry.next[1], (std::pair<std::string, bool>{"task3__t0", true}));
    EXPECT_EQ(r.conductor->errors()[0]["result"], (json{{"error", "boom"}}));
}

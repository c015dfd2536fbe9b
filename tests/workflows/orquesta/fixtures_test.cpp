// The shapes of Orquesta's native fixtures (joins reached by several
// transitions, splits, decisions, loops with forks, failing at once, output
// after a failure), each on its success path and its failure paths, with
// the task sequences, routes and statuses Orquesta's own conducting tests
// expect for them. The definitions are ours; every test runs in Jinja and
// in YAQL.
#include <gtest/gtest.h>

#include "rehearsal.hpp"

using namespace packhost;
using namespace packhost::workflows::orquesta;
using namespace packhost::workflows::orquesta::rehearsal;

namespace {

class OrquestaFixtures : public InBothLanguages {};

json unreachable_join(const std::string& task, int route = 0) {
    return json{{"type", "error"},
                {"message", "UnreachableJoinError: The join task|route \"" + task + "|" + std::to_string(route) +
                                "\" is partially satisfied but unreachable."},
                {"task_id", task},
                {"route", route}};
}

// "name__rN" for each of `routes`, in order.
Seq on_routes(const std::string& task, std::initializer_list<int> routes) {
    Seq out;
    for (int r : routes) out.push_back(task + "__r" + std::to_string(r));
    return out;
}

Seq operator+(Seq a, const Seq& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Languages, OrquestaFixtures, ::testing::Values(false, true), language_name);

// A branch reaching the join by its success, failure and completion
// transitions counts as one inbound task: the join runs once, whichever way
// each branch ended (a failure there is handled by its transition).
TEST_P(OrquestaFixtures, JoinAllCountsEachInboundTaskOnceWhateverTransitionsItTook) {
    const Seq all{"task1", "task2", "task4", "task3", "task5", "task6", "task7"};
    for (const auto& mocks : std::vector<std::vector<Mock>>{{},
                                                            {{"task3", Status::failed}},
                                                            {{"task5", Status::failed}},
                                                            {{"task3", Status::failed}, {"task5", Status::failed}}}) {
        SCOPED_TRACE(mocks.size() == 0 ? "none failed" : mocks[0].task + " failed, " + std::to_string(mocks.size()));
        Rehearsal r("join_all_complex");
        r.conduct(mocks);
        EXPECT_EQ(r.sequence(), all);
        EXPECT_EQ(r.routes(), json::parse("[[]]"));
        EXPECT_EQ(r.status(), Status::succeeded);
    }
}

TEST_P(OrquestaFixtures, JoinCountCountsInboundTasksAcrossTheirTransitions) {
    Rehearsal ok("join_count_complex");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1", "task2", "task4", "task6", "task3", "task5", "task7", "task8", "task9"}));
    EXPECT_EQ(ok.status(), Status::succeeded);

    struct Case {
        const char* failing;
        Seq sequence;
        const char* routes;
    };
    for (const auto& c : {
             Case{"task6",
                  {"task1", "task2", "task4", "task6", "noop__r1", "task3", "task5", "task8", "task9"},
                  R"([[], ["task6__t0"]])"},
             Case{"task4",
                  {"task1", "task2", "task4", "noop__r1", "task6", "task3", "task7", "task8", "task9"},
                  R"([[], ["task4__t0"]])"},
             Case{"task2",
                  {"task1", "task2", "noop__r1", "task4", "task6", "task5", "task7", "task8", "task9"},
                  R"([[], ["task2__t0"]])"},
         }) {
        SCOPED_TRACE(c.failing);
        Rehearsal r("join_count_complex");
        r.conduct({{c.failing, Status::failed}});
        EXPECT_EQ(r.sequence(), c.sequence);
        EXPECT_EQ(r.routes(), json::parse(c.routes));
        EXPECT_EQ(r.status(), Status::succeeded) << "two branches still reached the join";
    }
}

TEST_P(OrquestaFixtures, JoinCountWithTwoBranchesGoneFailsTheWorkflow) {
    struct Case {
        const char* first;
        const char* second;
        Seq sequence;
        const char* routes;
    };
    for (const auto& c : {
             Case{"task4",
                  "task6",
                  {"task1", "task2", "task4", "noop__r1", "task6", "noop__r2", "task3"},
                  R"([[], ["task4__t0"], ["task6__t0"]])"},
             Case{"task2",
                  "task4",
                  {"task1", "task2", "noop__r1", "task4", "noop__r2", "task6", "task7"},
                  R"([[], ["task2__t0"], ["task4__t0"]])"},
             Case{"task2",
                  "task6",
                  {"task1", "task2", "noop__r1", "task4", "task6", "noop__r2", "task5"},
                  R"([[], ["task2__t0"], ["task6__t0"]])"},
         }) {
        SCOPED_TRACE(std::string(c.first) + " and " + c.second);
        Rehearsal r("join_count_complex");
        r.conduct({{c.first, Status::failed}, {c.second, Status::failed}});
        EXPECT_EQ(r.sequence(), c.sequence);
        EXPECT_EQ(r.routes(), json::parse(c.routes));
        EXPECT_EQ(r.status(), Status::failed);
    }
}

TEST_P(OrquestaFixtures, JoinOnSuccessFailsWhenABranchFailsAndTheJoinCannotBeReached) {
    Rehearsal ok("join_on_succeeded");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5", "task6", "task7"}));
    EXPECT_EQ(ok.status(), Status::succeeded);

    for (const auto& mocks : std::vector<std::vector<Mock>>{{{"task3", Status::failed}},
                                                            {{"task5", Status::failed}},
                                                            {{"task3", Status::failed}, {"task5", Status::failed}}}) {
        Rehearsal r("join_on_succeeded");
        r.conduct(mocks);
        EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5"}));
        EXPECT_EQ(r.status(), Status::failed);
    }
}

TEST_P(OrquestaFixtures, JoinOnCompletionRunsTheJoinHoweverTheBranchesEnded) {
    for (const auto& mocks : std::vector<std::vector<Mock>>{{},
                                                            {{"task3", Status::failed}},
                                                            {{"task5", Status::failed}},
                                                            {{"task3", Status::failed}, {"task5", Status::failed}}}) {
        Rehearsal r("join_on_completed");
        r.conduct(mocks);
        EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5", "task6", "task7"}));
        EXPECT_EQ(r.status(), Status::succeeded);
    }
}

TEST_P(OrquestaFixtures, JoinOnFailureNeedsEveryBranchToFail) {
    Rehearsal none("join_on_failed");
    none.conduct();
    EXPECT_EQ(none.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5"}));
    EXPECT_EQ(none.status(), Status::succeeded) << "no branch took its transition: nothing left to run";

    for (const char* failing : {"task3", "task5"}) {
        SCOPED_TRACE(failing);
        Rehearsal r("join_on_failed");
        r.conduct({{failing, Status::failed}});
        EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5"}));
        EXPECT_EQ(r.status(), Status::failed);
        EXPECT_EQ(r.conductor->errors(), (json{failed_error(failing), unreachable_join("task6")}));
    }

    Rehearsal both("join_on_failed");
    both.conduct({{"task3", Status::failed}, {"task5", Status::failed}});
    EXPECT_EQ(both.sequence(), (Seq{"task1", "task2", "task4", "task3", "task5", "task6", "task7"}));
    EXPECT_EQ(both.status(), Status::succeeded);
}

TEST_P(OrquestaFixtures, ATaskReachedFromTwoRoutesSplitsAndEachTransitionKeepsItsRoute) {
    Rehearsal r("splits_mixed");
    r.conduct();
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2", "task3__r1", "task3__r2", "task4__r3", "task4__r4", "task5__r3", "task5__r4"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"], ["task2__t0"],
                                          ["task1__t0", "task3__t0"], ["task2__t0", "task3__t0"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    // The second route's task3 fails: it goes on by its failure transition.
    Rehearsal alt("splits_mixed");
    alt.conduct({{"task3", Status::failed, nullptr, 2}});
    EXPECT_EQ(alt.sequence(), r.sequence());
    EXPECT_EQ(alt.routes(), json::parse(R"([[], ["task1__t0"], ["task2__t0"],
                                            ["task1__t0", "task3__t0"], ["task2__t0", "task3__t1"]])"));
    EXPECT_EQ(alt.status(), Status::succeeded);
}

TEST_P(OrquestaFixtures, TwoTransitionsToOneTaskSplitEveryRouteAgainAndEachRouteJoinsOnItsOwn) {
    Rehearsal r("splits_transition");
    r.conduct();
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2"} + on_routes("task3", {1, 2}) + on_routes("task4", {3, 4, 5, 6}) +
               on_routes("task5", {3, 4, 5, 6}) + on_routes("task6", {3, 4, 5, 6}) + on_routes("task7", {3, 4, 5, 6})));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"], ["task2__t0"],
        ["task1__t0", "task3__t0"], ["task1__t0", "task3__t1"],
        ["task2__t0", "task3__t0"], ["task2__t0", "task3__t1"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    // task3 failing on its first route ends that route; the workflow fails.
    Rehearsal failing("splits_transition");
    failing.conduct({{"task3", Status::failed, nullptr, 1}});
    EXPECT_EQ(failing.status(), Status::failed);
    EXPECT_EQ(failing.conductor->errors(), (json{failed_error("task3")}));
}

TEST_P(OrquestaFixtures, ASplitJoinsOnEachOfItsRoutesAndSplitsAgainAfterTheJoin) {
    Rehearsal r("splits_and_join");
    r.conduct();
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2", "task3", "task8__r1"} + on_routes("task4", {2, 3}) + on_routes("task5", {2, 3}) +
               on_routes("task6", {2, 3}) + on_routes("task7", {2, 3}) + on_routes("task8", {4, 5})));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"], ["task2__t0"], ["task3__t0"],
                                          ["task2__t0", "task7__t0"], ["task3__t0", "task7__t0"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    // task5 fails on the second route: that route's join is never reached.
    Rehearsal failed("splits_and_join");
    failed.conduct({{"task5", Status::failed, nullptr, 3}});
    EXPECT_EQ(failed.status(), Status::failed);
    EXPECT_EQ(failed.conductor->errors(), (json{failed_error("task5")}));
}

TEST_P(OrquestaFixtures, NestedSplitsRunTheInnerTasksOnceForEveryRoute) {
    Rehearsal r("splits_nested");
    r.conduct();
    EXPECT_EQ(r.sequence(),
              (Seq{"task1", "task2", "task3"} + on_routes("task4", {1, 2}) + on_routes("task5", {1, 2}) +
               on_routes("task6", {1, 2}) + on_routes("task7", {3, 4, 5, 6}) + on_routes("task8", {3, 4, 5, 6}) +
               on_routes("task9", {3, 4, 5, 6}) + on_routes("task10", {3, 4, 5, 6})));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task2__t0"], ["task3__t0"],
        ["task2__t0", "task5__t0"], ["task3__t0", "task5__t0"],
        ["task2__t0", "task6__t0"], ["task3__t0", "task6__t0"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    // task9 fails on route 5 after task8 reached that route's join: the
    // join can never be satisfied there.
    Rehearsal failed("splits_nested");
    failed.conduct({{"task9", Status::failed, nullptr, 5}});
    EXPECT_EQ(failed.status(), Status::failed);
    EXPECT_EQ(failed.conductor->errors(), (json{failed_error("task9"), unreachable_join("task10", 5)}));
}

TEST_P(OrquestaFixtures, EveryTransitionTakenToTheSameTaskRunsItOnARouteOfItsOwn) {
    Rehearsal r("transitions_to_one_task");
    r.conduct();
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2__r1", "task2__r2"}));
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"], ["task1__t2"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    Rehearsal failed("transitions_to_one_task");
    failed.conduct({{"task1", Status::failed}});
    EXPECT_EQ(failed.sequence(), (Seq{"task1", "task2__r1", "task2__r2"}));
    EXPECT_EQ(failed.routes(), json::parse(R"([[], ["task1__t0"], ["task1__t1"]])"));
    EXPECT_EQ(failed.status(), Status::succeeded) << "task1's failure is handled by its transitions";
}

TEST_P(OrquestaFixtures, TheSameConditionTwiceTakesBothTransitions) {
    Rehearsal r("same_condition_twice");
    r.conduct();
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task3", "task4__r1", "task4__r2"}));
    // A transition's id counts the edges between the same two tasks.
    EXPECT_EQ(r.routes(), json::parse(R"([[], ["task1__t0"], ["task1__t1"]])"));
    EXPECT_EQ(r.status(), Status::succeeded);

    Rehearsal failed("same_condition_twice");
    failed.conduct({{"task1", Status::failed}});
    EXPECT_EQ(failed.sequence(), (Seq{"task1"}));
    EXPECT_EQ(failed.status(), Status::failed);
}

TEST_P(OrquestaFixtures, TheInputDecidesTheBranch) {
    for (const char* which : {"a", "b", "c"}) {
        Rehearsal r("decision", {{"which", which}});
        r.conduct();
        EXPECT_EQ(r.sequence(), (Seq{"t1", which})) << r.conductor->errors();
        EXPECT_EQ(r.status(), Status::succeeded);
    }
    // The conditions do not test t1's status: its failure takes the branch
    // too, and is remediated by it.
    Rehearsal failed("decision", {{"which", "b"}});
    failed.conduct({{"t1", Status::failed}});
    EXPECT_EQ(failed.sequence(), (Seq{"t1", "b"}));
    EXPECT_EQ(failed.status(), Status::succeeded);
}

TEST_P(OrquestaFixtures, AForkOutOfALoopRunsEachTimeAroundUntilTheLoopEnds) {
    Rehearsal r("cycle_fork");
    r.conduct({{"query", Status::succeeded, true}, {"query", Status::succeeded, false}});
    EXPECT_EQ(r.sequence(), (Seq{"init", "query", "decide_cheer", "decide_work", "cheer", "notify_work", "toil",
                                 "query", "decide_cheer", "decide_work"}))
        << r.conductor->errors();
    EXPECT_EQ(r.status(), Status::succeeded);

    // The second query fails: it has no transition for that.
    Rehearsal failed("cycle_fork");
    failed.conduct({{"query", Status::succeeded, true}, {"query", Status::failed}});
    EXPECT_EQ(failed.sequence(),
              (Seq{"init", "query", "decide_cheer", "decide_work", "cheer", "notify_work", "toil", "query"}));
    EXPECT_EQ(failed.status(), Status::failed);
    EXPECT_EQ(failed.conductor->errors(), (json{failed_error("query")}));

    // toil's transition has no condition: even failed, it loops back.
    Rehearsal loops("cycle_fork");
    loops.conduct({{"query", Status::succeeded, true}, {"toil", Status::failed}});
    EXPECT_EQ(loops.sequence(), r.sequence());
    EXPECT_EQ(loops.status(), Status::succeeded);
}

// `fail` next to another task, before or after it: the workflow is failed
// at once, and the other task still runs (with what the failed task
// published).
TEST_P(OrquestaFixtures, FailNextToAnotherTaskFailsFirstAndTheOtherStillRuns) {
    for (const char* name : {"log_then_fail", "fail_and_log"}) {
        SCOPED_TRACE(name);
        Rehearsal r(name);
        r.conduct({{"task1", Status::failed, "All your base are belong to us!"}});
        EXPECT_EQ(r.sequence(), (Seq{"task1", "fail", "log"}));
        EXPECT_EQ(r.status(), Status::failed);
        EXPECT_EQ(r.conductor->task_context("log", 0)["error"], "All your base are belong to us!");

        Rehearsal ok(name);
        ok.conduct();
        EXPECT_EQ(ok.sequence(), (Seq{"task1"}));
        EXPECT_EQ(ok.status(), Status::succeeded);
    }
}

TEST_P(OrquestaFixtures, TheOutputIsRenderedAlsoWhenTheWorkflowFails) {
    Rehearsal ok("output_on_error");
    ok.conduct();
    EXPECT_EQ(ok.status(), Status::succeeded);
    EXPECT_EQ(ok.output(), (json{{"progress", 100}}));

    Rehearsal r("output_on_error");
    r.conduct({{"task2", Status::failed}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2"}));
    EXPECT_EQ(r.status(), Status::failed);
    EXPECT_EQ(r.output(), (json{{"progress", 25}}));
}

TEST_P(OrquestaFixtures, TasksWithItemsSideBySidePublishTheirResultsInItemOrder) {
    std::vector<Mock> results;
    for (const auto& [i, v] : std::vector<std::pair<int, const char*>>{{0, "fee"}, {1, "fi"}, {2, "fo"}, {3, "fum"}})
        results.push_back({"task1", Status::succeeded, v, -1, i});
    for (const auto& [i, v] : std::vector<std::pair<int, const char*>>{{0, "fie"}, {1, "foh"}, {2, "fum"}})
        results.push_back({"task2", Status::succeeded, v, -1, i});
    Rehearsal r("items_in_parallel");
    r.conduct(results);
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2", "task3"}));
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"t1_items", {"fee", "fi", "fo", "fum"}}, {"t2_items", {"fie", "foh", "fum"}}}));

    // An item of task1 fails: task1 fails once all its items ended, and
    // the join is never reached.
    results[2].status = Status::failed;
    Rehearsal failed("items_in_parallel");
    failed.conduct(results);
    EXPECT_EQ(failed.sequence(), (Seq{"task1", "task2"}));
    EXPECT_EQ(failed.status(), Status::failed);
}

TEST_P(OrquestaFixtures, AFailedItemIsRemediatedByTheTasksFailureTransition) {
    Rehearsal r("items_remediated");
    r.conduct({{"task1", Status::succeeded, "fee", -1, 0},
               {"task1", Status::succeeded, "fi", -1, 1},
               {"task1", Status::failed, nullptr, -1, 2}});
    EXPECT_EQ(r.sequence(), (Seq{"task1", "task2"}));
    EXPECT_EQ(r.status(), Status::succeeded);
    EXPECT_EQ(r.output(), (json{{"items", {"fee", "fi", nullptr}}}));

    // Every item succeeds: nothing publishes `items`, and an output reading
    // a value that is not there fails the workflow (Orquesta is strict).
    Rehearsal ok("items_remediated");
    ok.conduct();
    EXPECT_EQ(ok.sequence(), (Seq{"task1"}));
    EXPECT_EQ(ok.status(), Status::failed);
    ASSERT_EQ(ok.conductor->errors().size(), 1u);
    EXPECT_NE(ok.conductor->errors()[0]["message"].get<std::string>().find("items"), std::string::npos);
}

// Orquesta's splits-very-many shape: the routes are named by the edge taken
// between two tasks (init__t0 is init's first edge to task2, although it is
// its second transition).
TEST_P(OrquestaFixtures, VeryManySplitsNameEachRouteByTheEdgesItTook) {
    Rehearsal r("many_splits");
    r.conduct();
    EXPECT_EQ(r.sequence(),
              (Seq{"init", "notify__r1", "task2__r2", "task5__r3", "task7__r3", "task9__r4", "task10__r4", "task11__r5",
                   "task12__r5", "task13__r5", "task14__r6", "task15__r6", "task17__r7", "notify__r8"}));
    json path = json::array();
    json routes = json::array({json::array(), {"init__t1"}});
    for (const char* edge :
         {"init__t0", "task2__t0", "task7__t0", "task10__t0", "task13__t0", "task15__t0", "task17__t0"}) {
        path.push_back(edge);
        routes.push_back(path);
    }
    EXPECT_EQ(r.routes(), routes);
    EXPECT_EQ(r.status(), Status::succeeded);

    // Every switch on; task16 and task18 loop once on a false result.
    json all_on = json::object();
    for (int i = 1; i <= 8; ++i) all_on["fork" + std::to_string(i)] = true;
    Rehearsal alt("many_splits", all_on);
    alt.conduct({{"task16", Status::succeeded, false},
                 {"task16", Status::succeeded, true},
                 {"task18", Status::succeeded, false},
                 {"task18", Status::succeeded, true}});
    EXPECT_EQ(alt.sequence(),
              (Seq{"init",       "notify__r1", "task1",      "task2__r2",  "task3__r2",  "task4__r2",  "task5__r3",
                   "task6__r3",  "task8__r4",  "task9__r5",  "task11__r6", "task12__r6", "task13__r6", "task14__r7",
                   "task16__r7", "task16__r7", "task17__r8", "task18__r8", "task18__r8", "task19__r8", "notify__r9"}));
    path = json::array();
    routes = json::array({json::array(), {"init__t0"}});
    for (const char* edge :
         {"task1__t0", "task4__t0", "task6__t0", "task8__t0", "task9__t0", "task13__t0", "task16__t0", "task19__t0"}) {
        path.push_back(edge);
        routes.push_back(path);
    }
    EXPECT_EQ(alt.routes(), routes);
    EXPECT_EQ(alt.status(), Status::succeeded);

    // task2 fails: its failure transition skips to task14.
    Rehearsal failed("many_splits");
    failed.conduct({{"task2", Status::failed}});
    EXPECT_EQ(failed.sequence(),
              (Seq{"init", "notify__r1", "task2__r2", "task14__r3", "task15__r3", "task17__r4", "notify__r5"}));
    EXPECT_EQ(failed.status(), Status::succeeded);
}

// Orquesta's with-items rendering cases (test_task_rendering_for_with_items):
// two lists zipped into named items, and the three ways an item goes wrong,
// each failing the workflow before any action with Orquesta's own words.
TEST_P(OrquestaFixtures, ZippedListsGiveEachItemBothNames) {
    Rehearsal r("items_zipped");
    r.conductor->request_workflow_status(Status::running);
    auto next = r.conductor->get_next_tasks();
    ASSERT_EQ(next.size(), 1u) << r.conductor->errors().dump() << " " << to_string(r.status());
    EXPECT_EQ(next[0].items_count, 3u);
    EXPECT_FALSE(next[0].concurrency);
    ASSERT_EQ(next[0].actions.size(), 3u);
    const char* expected[] = {"foobar", "fubar", "marcopolo"};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(next[0].actions[i].action, "core.echo");
        EXPECT_EQ(next[0].actions[i].item, i);
        EXPECT_EQ(next[0].actions[i].input, (json{{"message", expected[i]}}));
    }

    Rehearsal run("items_zipped");
    run.conduct({{"task1", Status::succeeded, "foobar", -1, 0},
                 {"task1", Status::succeeded, "fubar", -1, 1},
                 {"task1", Status::succeeded, "marcopolo", -1, 2}});
    EXPECT_EQ(run.sequence(), (Seq{"task1", "continue"})) << "a transition without do goes to continue";
    EXPECT_EQ(run.status(), Status::succeeded);
    EXPECT_EQ(run.output(), (json{{"messages", {"foobar", "fubar", "marcopolo"}}}));
}

TEST_P(OrquestaFixtures, AnItemThatCannotBeReadFailsTheWorkflowBeforeAnyAction) {
    auto expr = [](const std::string& inner) { return GetParam() ? "<% " + inner + " %>" : "{{ " + inner + " }}"; };
    std::string engine = GetParam() ? "YaqlEvaluationException: " : "JinjaEvaluationException: ";
    struct Case {
        const char* workflow;
        std::string message;
    } cases[] = {
        {"items_unknown_key", engine + "Unable to evaluate expression '" + expr("item(y)") +
                                  "'. ExpressionEvaluationException: Item does not have key \"y\"."},
        {"items_unnamed", engine + "Unable to evaluate expression '" + expr("item(x)") +
                              "'. ExpressionEvaluationException: Item is not type of collections.Mapping."},
        {"items_not_a_list", "TypeError: The value of \"" + expr("ctx(xs)") + "\" is not type of list."},
    };
    for (const auto& c : cases) {
        Rehearsal r(c.workflow);
        r.conductor->request_workflow_status(Status::running);
        EXPECT_TRUE(r.conductor->get_next_tasks().empty()) << c.workflow;
        EXPECT_EQ(r.status(), Status::failed) << c.workflow;
        ASSERT_EQ(r.conductor->errors().size(), 1u) << c.workflow;
        EXPECT_EQ(r.conductor->errors()[0]["type"], "error") << c.workflow;
        EXPECT_EQ(r.conductor->errors()[0]["task_id"], "task1") << c.workflow;
        EXPECT_EQ(r.conductor->errors()[0]["route"], 0) << c.workflow;
        EXPECT_EQ(r.conductor->errors()[0]["message"], c.message) << c.workflow;
    }
}

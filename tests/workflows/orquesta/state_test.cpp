// The workflow state records only what changed since it was last taken,
// and the parts it recorded make the same state again.
#include <gtest/gtest.h>

#include <map>

#include "workflows/orquesta/state.hpp"

using namespace packhost;
using namespace packhost::workflows::orquesta;
using json = packhost::Json;

namespace {

WorkflowState restored(const std::map<int64_t, std::string>& recorded) {
    std::vector<actions::StatePart> parts;
    for (const auto& [k, v] : recorded) parts.push_back({k, v});
    return WorkflowState::restore(parts);
}

}  // namespace

TEST(OrquestaState, TakesOnlyWhatChanged) {
    WorkflowState s;
    s.add_context({-1, -1, json{{"big", std::string(1000, 'x')}}});
    s.add_route({});
    s.set_status(Status::running);
    TaskState t;
    t.id = "task1";
    size_t i = s.add_task(t);
    auto first = s.take_changes();
    EXPECT_EQ(first.size(), 3u) << "context, task state, head";
    s.set_task_status(i, Status::running);
    auto second = s.take_changes();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].seq, 0);
    EXPECT_EQ(second[0].state.find("xxxx"), std::string::npos) << "the context is written once";
    EXPECT_TRUE(s.take_changes().empty());
}

TEST(OrquestaState, RecordedPartsRestoreTheSameState) {
    WorkflowState s;
    std::map<int64_t, std::string> recorded;
    auto take = [&] {
        for (auto& p : s.take_changes()) recorded[p.seq] = p.state;
    };
    s.add_context({-1, -1, json{{"n", 0}}});
    s.add_context({0, -1, json{{"n", 1}}});
    s.add_route({});
    s.add_route({"a__t0"});
    s.set_status(Status::running);
    TaskState a;
    a.id = "a";
    a.next = {{"b__t0", true}};
    size_t ia = s.add_task(a);
    s.set_task_status(ia, Status::succeeded);
    StagedTask staged;
    staged.id = "b";
    staged.route = 1;
    staged.ctx = 1;
    staged.prev = {{"a__t0", ia}};
    staged.ready = true;
    auto& b = s.add_staged(staged);
    s.init_items(b, 3);
    s.set_item(b, 1, Status::running);
    s.add_error(json{{"type", "error"}, {"message", "x"}});
    take();
    TaskState again = a;
    s.add_task(again);  // a newer run of the same task
    take();
    auto r = restored(recorded);
    auto items_left_out = s.serialize();
    items_left_out["staged"][0]["items"][1]["status"] = "null";  // items are not recorded
    EXPECT_EQ(r.serialize(), items_left_out);
    EXPECT_EQ(r.latest("a", 0), 1u);
    EXPECT_EQ(r.count_latest(Status::unset), 1u);
    EXPECT_EQ(r.count_latest(Status::succeeded), 0u) << "the older run is not the latest";
    EXPECT_EQ(r.find_staged("b", 1)->items->size(), 3u);
    EXPECT_EQ(r.find_staged("b", 1)->items_in(Status::unset), 3u);
}

TEST(OrquestaState, RefusesARecordItCannotRead) {
    EXPECT_FALSE(WorkflowState::recorded({{-1, R"({"next_seq": 3})"}}));
    EXPECT_THROW(WorkflowState::restore({{-1, R"({"next_seq": 3})"}}), std::runtime_error);
    WorkflowState s;
    s.add_route({});
    TaskState a;
    a.id = "a";
    s.add_task(a);
    auto parts = s.take_changes();
    parts.push_back({5, R"({"id": "x", "route": 0, "ctx": 0})"});  // task states 1 to 4 are missing
    EXPECT_THROW(WorkflowState::restore(parts), std::runtime_error);
}

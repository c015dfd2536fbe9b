// The graph composed from a definition, as Orquesta's composer builds it:
// an edge per `do` target of each transition, numbered per pair of tasks,
// engine commands as nodes, `do: retry` as the task's retry, joins as
// barriers, split and cycle flags.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "workflows/expressions.hpp"
#include "workflows/orquesta/graph.hpp"

using namespace packhost::workflows;
using namespace packhost::workflows::orquesta;

namespace {

std::shared_ptr<const Workflow> load_workflow(const std::string& name) {
    std::string file = std::string(WORKFLOW_DEFINITIONS_DIR) + "/orquesta/" + name + ".yaml";
    Problems problems(file);
    auto wf = parse(file, problems, template_cache());
    if (!problems.empty()) throw std::runtime_error(problems.text());
    return wf;
}

// "from -> to id" of each edge leaving `task`, in Orquesta's order.
std::vector<std::string> out_of(const Graph& g, const std::string& task) {
    std::vector<std::string> out;
    for (size_t e : g.at(task).out) out.push_back(g.node(g.edge(e).from).id + " -> " + g.edge(e).id);
    return out;
}

}  // namespace

TEST(OrquestaGraph, EachDoTargetIsAnEdgeNumberedPerPairOfTasks) {
    auto wf = load_workflow("graph_shapes");
    const Graph& g = *wf->graph;
    EXPECT_EQ(out_of(g, "start"), (std::vector<std::string>{"start -> a__t0", "start -> a__t1", "start -> b__t0"}));
    EXPECT_EQ(g.edge(g.at("start").out[1]).backref, "start__t1");
    EXPECT_EQ(g.edge(g.at("start").out[1]).criteria, "{{ failed() }}");
    EXPECT_EQ(out_of(g, "a"), (std::vector<std::string>{"a -> continue__t0"})) << "no `do`: continue";
}

TEST(OrquestaGraph, RetryCommandBecomesTheTasksRetry) {
    auto wf = load_workflow("graph_shapes");
    const Graph& g = *wf->graph;
    ASSERT_TRUE(g.at("start").retry);
    EXPECT_EQ(g.at("start").retry->count, 3);
    EXPECT_EQ(*g.at("start").retry->when, "{{ completed() }}");
    EXPECT_FALSE(g.find("retry")) << "retry is not a node";
}

TEST(OrquestaGraph, RootsSplitsBarriersAndCycles) {
    auto wf = load_workflow("graph_shapes");
    const Graph& g = *wf->graph;
    std::vector<std::string> roots;
    for (size_t r : g.roots()) roots.push_back(g.node(r).id);
    EXPECT_EQ(roots, (std::vector<std::string>{"lonely", "start"}));
    EXPECT_TRUE(g.at("a").split) << "three transitions lead to a";
    EXPECT_FALSE(g.at("b").split);
    EXPECT_EQ(g.at("joined").barrier, -1);
    EXPECT_FALSE(g.at("joined").split) << "a join is never a split";
    EXPECT_FALSE(g.at("a").in_cycle);

    auto cycle = load_workflow("cycle");
    EXPECT_TRUE(cycle->graph->at("check").in_cycle);
    EXPECT_FALSE(cycle->graph->at("init").in_cycle);
}

#pragma once
// `packhost workflow inspect`: checks a workflow definition without running
// it: what loading checks (YAML, structure, expressions, task names,
// reachability, loops) plus what needs the registered actions (unknown
// actions, unknown or missing parameters) and variables read before
// anything defines them.
#include <filesystem>
#include <string>

#include "actions/registry.hpp"
#include "workflows/problems.hpp"

namespace packhost::workflows {

struct Inspection {
    std::string runner;  // "orquesta" or "action-chain"
    size_t tasks = 0;
    Problems problems;
};

// The kind is told by the file: a top-level `chain` is an ActionChain.
Inspection inspect(const std::filesystem::path& file, const actions::Registry& registry);

}  // namespace packhost::workflows

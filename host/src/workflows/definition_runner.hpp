#pragma once
// A runner whose entry point is a workflow definition (Orquesta, ActionChain):
// parsed and checked once when the pack loads, then one Run per execution.
#include <filesystem>
#include <memory>

#include "actions/action.hpp"
#include "workflows/expressions.hpp"

namespace packhost::workflows {

// Spec: the parsed definition; Run: constructed from (shared_ptr<const
// Spec>, Invocation&, TemplateCache&) with start() and restore().
template <typename Spec, typename Run, auto Parse>
class DefinitionRunner final : public actions::Runner {
public:
    // Throws DefinitionError naming the file and line of each problem.
    explicit DefinitionRunner(const std::filesystem::path& file) {
        Problems problems(file.string());
        spec_ = Parse(file, problems, template_cache());
        problems.throw_if_any();
    }

    actions::RunOutcome run(const actions::Action&, actions::Invocation& invocation) const override {
        return go(invocation, false);
    }
    // Goes on from what the process that ended recorded.
    actions::RunOutcome resume(const actions::Action&, actions::Invocation& invocation) const override {
        return go(invocation, true);
    }

    const Spec& spec() const { return *spec_; }

private:
    actions::RunOutcome go(actions::Invocation& invocation, bool restore) const {
        if (!invocation.orchestration()) {
            return {actions::RunOutcome::Kind::failed, {{"error", "this host cannot run workflows here"}}};
        }
        auto run = std::make_shared<Run>(spec_, invocation, template_cache());
        if (restore) {
            run->restore();
        } else {
            run->start();
        }
        return actions::RunOutcome::defer(run);
    }

    std::shared_ptr<const Spec> spec_;
};

}  // namespace packhost::workflows

#pragma once
// A runner whose entry point is a workflow definition (Orquesta, ActionChain):
// parsed and checked once, then one Run per execution. Parsed when the pack
// loads, or by the first run when the pack index says it was checked before
// and has not changed since.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "actions/action.hpp"
#include "workflows/expressions.hpp"

namespace packhost::workflows {

// Spec: the parsed definition; Run: constructed from (shared_ptr<const
// Spec>, Invocation&, TemplateCache&) with start() and restore().
template <typename Spec, typename Run, auto Parse>
class DefinitionRunner final : public actions::Runner {
public:
    // Throws DefinitionError naming the file and line of each problem (when
    // it parses now).
    explicit DefinitionRunner(std::filesystem::path file, bool checked_before = false) : file_(std::move(file)) {
        if (!checked_before) std::call_once(parsed_, [this] { spec_ = parse(); });
    }

    actions::RunOutcome run(const actions::Action&, actions::Invocation& invocation) const override {
        return go(invocation, false);
    }
    // Goes on from what the process that ended recorded.
    actions::RunOutcome resume(const actions::Action&, actions::Invocation& invocation) const override {
        return go(invocation, true);
    }

private:
    std::shared_ptr<const Spec> parse() const {
        Problems problems(file_.string());
        auto spec = Parse(file_, problems, template_cache());
        problems.throw_if_any();
        return spec;
    }

    actions::RunOutcome go(actions::Invocation& invocation, bool restore) const {
        std::call_once(parsed_, [this] {
            try {
                spec_ = parse();
            } catch (const std::exception& e) {
                error_ = e.what();  // changed since it was checked: every run says why
            }
        });
        if (!spec_) return {actions::RunOutcome::Kind::failed, {{"error", error_}}};
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

    std::filesystem::path file_;
    mutable std::once_flag parsed_;
    mutable std::shared_ptr<const Spec> spec_;
    mutable std::string error_;
};

}  // namespace packhost::workflows

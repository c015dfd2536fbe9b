#include "executions/execution_runners.hpp"

#include <memory>
#include <mutex>

#include "actions/casting.hpp"
#include "core/errors.hpp"
#include "expr/template.hpp"

namespace packhost::executions {
namespace {

using actions::RunOutcome;

RunOutcome failed(std::string why) { return {RunOutcome::Kind::failed, {{"error", std::move(why)}}}; }

// One child, forwarded cancel; its end is the parent's.
class ForwardedRun final : public actions::DeferredRun {
public:
    ForwardedRun(actions::Orchestration& host, actions::Invocation& parent) : host_(host), parent_(parent) {}

    void started(std::string id) {
        std::lock_guard lock(mu_);
        child_ = std::move(id);
    }
    void ended(actions::ChildEnd end) {
        RunOutcome::Kind kind = RunOutcome::Kind::failed;
        switch (end.status) {
        case core::Status::succeeded: kind = RunOutcome::Kind::succeeded; break;
        case core::Status::canceled: kind = RunOutcome::Kind::canceled; break;
        case core::Status::timeout: kind = RunOutcome::Kind::timeout; break;
        default: break;
        }
        host_.finish(parent_, {kind, std::move(end.result)});
    }

    void cancel() override {
        std::string id;
        {
            std::lock_guard lock(mu_);
            id = child_;
        }
        if (!id.empty()) host_.cancel_child(id);
    }
    // run-action is not pausable: never asked.
    void pause() override {}
    void resume() override {}

private:
    actions::Orchestration& host_;
    actions::Invocation& parent_;
    std::mutex mu_;
    std::string child_;
};

class RunActionRunner final : public actions::Runner {
public:
    explicit RunActionRunner(ExecutionRunnerLookups lookups) : lookups_(std::move(lookups)) {}

    RunOutcome run(const actions::Action&, actions::Invocation& invocation) const override {
        auto* host = invocation.orchestration();
        if (!host) return failed("this host cannot start other actions here");
        Json parameters = invocation.parameters();
        auto ref = parameters.find("ref");
        if (ref == parameters.end() || !ref->is_string()) return failed("parameter 'ref' must name an action");
        std::string action = ref->get<std::string>();
        parameters.erase("ref");
        try {
            cast_text_values(action, parameters);
        } catch (const core::ValidationError& e) {
            return failed(action + ": " + e.what());
        }
        auto run = std::make_shared<ForwardedRun>(*host, invocation);
        try {
            run->started(host->start_child(invocation, action, std::move(parameters), Json::object(),
                                           [run](actions::ChildEnd end) { run->ended(std::move(end)); }));
        } catch (const core::ValidationError& e) {
            return failed(action + ": " + e.what());
        } catch (const std::exception& e) {
            return failed(action + ": could not start: " + e.what());
        }
        return RunOutcome::defer(run);
    }

private:
    // As `packhost run` does for the text it is given; a template is left to
    // be rendered, then cast, when the child starts.
    void cast_text_values(const std::string& ref, Json& parameters) const {
        auto target = lookups_.action ? lookups_.action(ref) : nullptr;
        if (!target) return;  // start_child says it does not exist
        std::vector<std::string> problems;
        for (auto& [name, value] : parameters.items()) {
            if (!value.is_string() || expr::is_template(value.get_ref<const std::string&>())) continue;
            try {
                value = actions::cast_parameter(name, value.get<std::string>(), target->parameters.find(name));
            } catch (const core::ValidationError& e) {
                problems.insert(problems.end(), e.problems().begin(), e.problems().end());
            }
        }
        if (!problems.empty()) throw core::ValidationError(std::move(problems));
    }

    ExecutionRunnerLookups lookups_;
};

class ExecutionGetRunner final : public actions::Runner {
public:
    explicit ExecutionGetRunner(std::function<std::optional<Json>(const std::string&)> lookup)
        : lookup_(std::move(lookup)) {}

    RunOutcome run(const actions::Action&, actions::Invocation& invocation) const override {
        const Json& p = invocation.parameters();
        auto id = p.find("id");
        if (id == p.end() || !id->is_string()) return failed("parameter 'id' must be an execution id");
        try {
            auto found = lookup_(id->get<std::string>());
            if (!found) return failed("no execution " + id->get<std::string>());
            return {RunOutcome::Kind::succeeded, std::move(*found)};
        } catch (const std::exception& e) {
            return failed(e.what());
        }
    }

private:
    std::function<std::optional<Json>(const std::string&)> lookup_;
};

}  // namespace

void register_execution_runners(actions::RunnerRegistry& registry, ExecutionRunnerLookups lookups) {
    actions::RunnerCapabilities parent;
    parent.workflow = true;  // its child shows under it
    Json run_parameters{{"ref", {{"type", "string"}, {"required", true}, {"description", "The action to run."}}}};
    actions::RunnerType run_action{"run-action", run_parameters, false, parent,
                                   [lookups](const actions::ActionSource&) -> std::shared_ptr<const actions::Runner> {
                                       return std::make_shared<RunActionRunner>(lookups);
                                   }};
    run_action.takes_undeclared_parameters = true;
    registry.add(std::move(run_action));

    actions::RunnerCapabilities in_process;
    in_process.in_process = true;
    Json get_parameters{{"id", {{"type", "string"}, {"required", true}, {"description", "The execution's id."}}}};
    registry.add({"execution-get", get_parameters, false, in_process,
                  [lookup = lookups.execution](const actions::ActionSource&) -> std::shared_ptr<const actions::Runner> {
                      return std::make_shared<ExecutionGetRunner>(lookup);
                  }});
}

}  // namespace packhost::executions

#pragma once
// What an action is to the host, and the seam between "how an action runs"
// (a Runner: native, shell, http, workflow...) and "the execution it runs
// for" (an Invocation, implemented by the executions module).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actions/parameters.hpp"
#include "core/json_schema.hpp"

namespace packhost::actions {

enum class OutputStream { out, err };

// The running execution, as a runner sees it. Thread-safe where noted.
class Invocation {
public:
    virtual ~Invocation() = default;
    virtual const std::string& execution_id() const = 0;
    // The validated, completed parameters.
    virtual const nlohmann::json& parameters() const = 0;
    // CLOCK_MONOTONIC nanoseconds; 0 = no deadline.
    virtual int64_t deadline_ns() const = 0;
    // Any thread. True once cancel was requested or the deadline passed.
    virtual bool stop_requested() const = 0;
    // Any thread.
    virtual void append_output(OutputStream stream, std::string_view chunk) = 0;
    // Any thread. per10000: 0..10000.
    virtual void report_progress(uint32_t per10000, std::string_view message) = 0;
    // StackStorm's action_context as JSON text.
    virtual const std::string& context_json() const = 0;
    // Who the execution runs for (action_context.user).
    virtual const std::string& user() const = 0;
    // The pack's configuration as JSON text, rendered for this execution.
    virtual const std::string& config_json() const = 0;
};

struct RunOutcome {
    enum class Kind { succeeded, failed, canceled, timeout };
    Kind kind = Kind::succeeded;
    nlohmann::json result;  // the result; on failure {"error": "...", ...}
};

struct Action;

class Runner {
public:
    virtual ~Runner() = default;
    // Called on a worker thread. Must not throw: a failure is an outcome.
    virtual RunOutcome run(const Action& action, Invocation& invocation) const = 0;
};

struct Action {
    std::string ref;  // "<pack>.<name>"
    std::string pack;
    std::string name;
    std::string description;
    std::string runner_type;  // "native", later "local-shell-cmd", ...
    ParameterSpec parameters;
    core::JsonSchema output;  // may be empty
    nlohmann::ordered_json output_schema;  // as declared (null when none)
    bool reentrant = false;
    bool enabled = true;  // a disabled action is listed but refuses to run
    std::shared_ptr<const Runner> runner;
    // The pack's configuration (config_context), and the same as JSON text
    // for native actions, computed once per pack. A configuration holding
    // templates is rendered, and its text made, per execution instead.
    std::shared_ptr<const nlohmann::json> config;
    std::shared_ptr<const std::string> config_text;
    bool config_templated = false;

    nlohmann::ordered_json to_json() const;
};

}  // namespace packhost::actions

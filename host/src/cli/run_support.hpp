#pragma once
#include <functional>
// What `run` and `execution re-run` share: key=value parsing, submitting an
// execution, waiting for it (Ctrl-C cancels), and printing it.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/json_value.hpp"
#include "actions/action.hpp"
#include "cli/app_context.hpp"
#include "executions/scheduler.hpp"

namespace packhost::cli {

// Reports problems with a request (exit status 2): "error: ..." lines on
// stderr, or with --json one object on stdout: {"error": "...", "problems": [...]}.
int usage_error(const AppContext& ctx, const std::vector<std::string>& problems);

// Checks a --timeout style option: a number of seconds >= 0 (0: no limit).
CLI::Validator seconds_validator();

// Parses key=value arguments into `params` (cast by declared type; text
// holding a template is left for the scheduler to render). Returns the
// problems, each naming its argument.
std::vector<std::string> parse_parameters(const actions::Action& action, const std::vector<std::string>& args,
                                          Json& params);
// The same, each parameter's type found by `declared` (nullptr: undeclared).
std::vector<std::string> parse_parameters(
    const std::function<const core::JsonSchema::Node*(const std::string&)>& declared,
    const std::vector<std::string>& args, Json& params);

// Returns the exit status: 0 succeeded, 1 failed/timeout/canceled, 2 refused.
int submit_and_wait(AppContext& ctx, executions::Request request);

// Waits for an execution (Ctrl-C cancels it), prints it with the tree of
// its children, and returns the exit status.
int wait_and_print(AppContext& ctx, const std::shared_ptr<executions::Execution>& e);
// Prints a finished execution's record (and its workflow's tree) as `run`
// does; returns 0 when it succeeded, else 1.
int print_finished(AppContext& ctx, Json record, Json tree);

}  // namespace packhost::cli

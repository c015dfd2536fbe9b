// packhost run REF [key=value ...] [--timeout S] [--json]
#include <atomic>
#include <csignal>
#include <iostream>

#include <nlohmann/json.hpp>

#include "actions/casting.hpp"
#include "cli/commands.hpp"
#include "cli/execution_tree.hpp"
#include "cli/run_support.hpp"
#include "cli/yaml_view.hpp"
#include "core/errors.hpp"
#include "expr/template.hpp"

namespace packhost::cli {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

std::atomic<int> interrupted{0};

extern "C" void on_interrupt(int) { interrupted.store(1); }

struct RunArgs {
    std::string ref;
    std::vector<std::string> parameters;
    double timeout = 0;
};

// What a person wants to see of a finished execution, in st2's order.
ojson human_view(const ojson& record) {
    ojson v;
    v["id"] = record["id"];
    v["action.ref"] = record["action"]["ref"];
    v["parameters"] = record["parameters"];
    v["status"] = record["status"];
    v["start_timestamp"] = record["start_timestamp"];
    v["end_timestamp"] = record["end_timestamp"];
    v["elapsed_seconds"] = record["elapsed_seconds"];
    if (record.contains("output")) {
        std::string out;
        for (const auto& chunk : record["output"]) out += chunk["data"].get<std::string>();
        v["output"] = out;
    }
    v["result"] = record["result"];
    return v;
}

int run(AppContext& ctx, const RunArgs& args) {
    auto action = ctx.host().registry().find(args.ref);
    if (!action) return usage_error({"action '" + args.ref + "' is not registered (see 'packhost action list')"});
    json params = json::object();
    auto problems = parse_parameters(*action, args.parameters, params);
    if (!problems.empty()) return usage_error(problems);
    executions::Request request;
    request.action = args.ref;
    request.parameters = std::move(params);
    request.timeout_seconds = args.timeout;
    return submit_and_wait(ctx, std::move(request));
}

}  // namespace

int usage_error(const std::vector<std::string>& problems) {
    for (const auto& p : problems) std::cerr << "error: " << p << '\n';
    return kExitUsage;
}

std::vector<std::string> parse_parameters(const actions::Action& action, const std::vector<std::string>& args,
                                          json& params) {
    std::vector<std::string> problems;
    for (const auto& kv : args) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            problems.push_back("argument '" + kv + "' must be written key=value");
            continue;
        }
        std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
        if (expr::is_template(value)) {  // rendered (then cast) by the scheduler
            params[key] = value;
            continue;
        }
        try {
            params[key] = actions::cast_parameter(key, value, action.parameters.find(key));
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    return problems;
}

int submit_and_wait(AppContext& ctx, executions::Request request) {
    auto& host = ctx.host();
    std::shared_ptr<executions::Execution> e;
    try {
        e = host.scheduler().submit(std::move(request));
    } catch (const core::ValidationError& err) {
        return usage_error(err.problems());
    }
    return wait_and_print(ctx, e);
}

int wait_and_print(AppContext& ctx, const std::shared_ptr<executions::Execution>& e) {
    auto& host = ctx.host();
    // Ctrl-C cancels the execution (cooperatively) instead of killing us.
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    struct sigaction old_int {}, old_term {};
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    bool cancel_sent = false;
    while (!e->wait_for(std::chrono::milliseconds(50))) {
        if (interrupted.load() && !cancel_sent) {
            std::cerr << "canceling execution " << e->id() << "...\n";
            host.scheduler().cancel(e->id());
            cancel_sent = true;
        }
    }
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);

    ojson record = e->to_json();
    ojson tree = host.store() ? execution_tree(*host.store(), e->id()) : ojson::array();
    if (ctx.json) {
        if (!tree.empty()) record["tree"] = tree;
        std::cout << record.dump(2, ' ', false, ojson::error_handler_t::replace) << '\n';
    } else {
        std::cout << to_yaml(human_view(record)) << '\n';
        print_execution_tree(std::cout, tree);
    }
    return e->status() == executions::Status::succeeded ? kExitOk : kExitFailed;
}

void add_run_command(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<RunArgs>();
    auto* cmd = app.add_subcommand("run", "Run an action and wait for its result");
    cmd->add_option("ref", args->ref, "Action ref (pack.name)")->required();
    cmd->add_option("parameters", args->parameters,
                    "Parameters as key=value; values are converted to the declared type "
                    "(integer, number, boolean, array as a,b,c or JSON, object as JSON)");
    cmd->add_option("--timeout,-t", args->timeout, "Seconds before the execution times out (0 = none)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", ctx.json, "Print the execution record as one JSON object");
    cmd->callback([&ctx, args] { ctx.exit_code = run(ctx, *args); });
}

}  // namespace packhost::cli

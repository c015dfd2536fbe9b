// packhost run REF [key=value ...] [--timeout S] [--json]
#include <array>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "core/json_value.hpp"
#include "actions/casting.hpp"
#include "cli/commands.hpp"
#include "cli/execution_tree.hpp"
#include "cli/remote.hpp"
#include "cli/run_support.hpp"
#include "cli/yaml_view.hpp"
#include "core/json_text.hpp"
#include "core/errors.hpp"
#include "expr/template.hpp"

namespace packhost::cli {
namespace {

std::atomic<int> interrupted{0};

extern "C" void on_interrupt(int) { interrupted.store(1); }

// Ctrl-C, a kill and a closed terminal or SSH session (SIGHUP) cancel the
// execution rather than kill packhost with it: its children are ended and
// its record closed. From the moment `run` starts (loading the packs and
// the store can take a while) until the record is printed: a signal that
// comes before the submit cancels the execution as soon as it exists.
class CancelOnSignals {
public:
    CancelOnSignals() {
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &sa, &old_[i]);
    }
    ~CancelOnSignals() {
        for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
    }

private:
    static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
    std::array<struct sigaction, 3> old_{};
};

struct RunArgs {
    std::string ref;
    std::vector<std::string> parameters;
    double timeout = 0;
};

// What a person wants to see of a finished execution, in st2's order.
Json human_view(const Json& record) {
    Json v;
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
    CancelOnSignals signals;
    auto action = ctx.host().registry().find(args.ref);
    if (!action) return usage_error(ctx, {"action '" + args.ref + "' is not registered (see 'packhost action list')"});
    Json params = Json::object();
    auto problems = parse_parameters(*action, args.parameters, params);
    if (!problems.empty()) return usage_error(ctx, problems);
    executions::Request request;
    request.action = args.ref;
    request.parameters = std::move(params);
    request.timeout_seconds = args.timeout;
    return submit_and_wait(ctx, std::move(request));
}

}  // namespace

CLI::Validator seconds_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            char* end = nullptr;
            double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
                return "expected a number of seconds, 0 for no limit (e.g. 30 or 0.5), got '" + text + "'";
            }
            return "";
        },
        "SECONDS");
}

int usage_error(const AppContext& ctx, const std::vector<std::string>& problems) {
    if (ctx.json) {
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
        std::cout << core::to_json_text(Json{{"error", all}, {"problems", problems}}, 2) << '\n';
    } else {
        for (const auto& p : problems) std::cerr << "error: " << p << '\n';
    }
    return kExitUsage;
}

std::vector<std::string> parse_parameters(const actions::Action& action, const std::vector<std::string>& args,
                                          Json& params) {
    return parse_parameters([&action](const std::string& key) { return action.parameters.find(key); }, args, params);
}

std::vector<std::string> parse_parameters(
    const std::function<const core::JsonSchema::Node*(const std::string&)>& declared,
    const std::vector<std::string>& args, Json& params) {
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
            params[key] = actions::cast_parameter(key, value, declared(key));
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    return problems;
}

int submit_and_wait(AppContext& ctx, executions::Request request) {
    CancelOnSignals signals;
    auto& host = ctx.host();
    std::shared_ptr<executions::Execution> e;
    // Accepted once its record is on disk: an action that takes the process
    // down at once still leaves it behind (abandoned at the next start).
    request.durable = true;
    try {
        e = host.scheduler().submit(std::move(request));
    } catch (const core::ValidationError& err) {
        return usage_error(ctx, err.problems());
    } catch (const store::StoreError& err) {
        std::cerr << "error: the execution was not accepted: " << err.what() << '\n';
        return kExitFailed;
    }
    return wait_and_print(ctx, e);
}

int wait_and_print(AppContext& ctx, const std::shared_ptr<executions::Execution>& e) {
    auto& host = ctx.host();
    CancelOnSignals signals;
    bool cancel_sent = false;
    while (!e->wait_for(std::chrono::milliseconds(50))) {
        if (interrupted.load() && !cancel_sent) {
            std::cerr << "canceling execution " << e->id() << "...\n";
            host.scheduler().cancel(e->id());
            cancel_sent = true;
        }
    }
    // Its end must be on disk before it is reported: a full disk is an
    // error, not a success that is gone from the history.
    std::string store_error;
    if (host.store()) {
        try {
            host.store()->flush();
        } catch (const store::StoreError& err) {
            store_error = err.what();
        }
    }

    Json record = e->to_json();
    Json tree = host.store() && store_error.empty() ? execution_tree(*host.store(), host.runner_types(), e->id())
                                                    : Json::array();
    int code = print_finished(ctx, std::move(record), std::move(tree));
    if (!store_error.empty()) {
        std::cerr << "error: execution " << e->id() << " ended " << core::to_string(e->status())
                  << " but its record could not be written: " << store_error << '\n';
        return kExitFailed;
    }
    return code;
}

int print_finished(AppContext& ctx, Json record, Json tree) {
    bool succeeded = record.value("status", "") == "succeeded";
    if (ctx.json) {
        if (!tree.empty()) record["tree"] = std::move(tree);
        std::cout << core::to_json_text(record, 2) << '\n';
    } else {
        std::cout << to_yaml(human_view(record)) << '\n';
        print_execution_tree(std::cout, tree);
    }
    return succeeded ? kExitOk : kExitFailed;
}

void add_run_command(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<RunArgs>();
    auto* cmd = app.add_subcommand("run", "Run an action and wait for its result");
    cmd->add_option("ref", args->ref, "Action ref (pack.name)")->required();
    cmd->add_option("parameters", args->parameters,
                    "Parameters as key=value; values are converted to the declared type "
                    "(integer, number, boolean, array as a,b,c or JSON, object as JSON)");
    cmd->add_option("--timeout,-t", args->timeout, "Seconds before the execution times out (0, the default: no limit)")
        ->check(seconds_validator());
    cmd->add_flag("--json", ctx.json, "Print the execution record as one JSON object");
    cmd->callback([&ctx, args] {
        if (ctx.remote()) {
            remotely(ctx, [&] { ctx.exit_code = remote_run(ctx, args->ref, args->parameters, args->timeout); });
            return;
        }
        ctx.exit_code = run(ctx, *args);
    });
}

}  // namespace packhost::cli

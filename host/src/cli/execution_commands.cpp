// packhost execution list | get | cancel | pause | resume | re-run | tail | purge
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/execution_tree.hpp"
#include "cli/remote.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "cli/yaml_view.hpp"
#include "core/clock.hpp"
#include "core/json_value.hpp"
#include "core/json_text.hpp"
#include "core/status.hpp"
#include "executions/record_view.hpp"

namespace packhost::cli {
namespace {

// How long cancel, pause and resume wait for another process to act.
constexpr std::chrono::seconds kControlWait{30};

struct ListArgs {
    std::string action, status, parent;
    size_t limit = 50;
};

void print_list(const std::vector<Json>& views) {
    Table t({"ID", "ACTION", "STATUS", "STARTED", "ELAPSED"});
    for (const auto& v : views) {
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.3fs", v.value("elapsed_seconds", 0.0));
        t.add({v.value("id", ""), v["action"].value("ref", ""), v.value("status", ""), v.value("start_timestamp", ""),
               elapsed});
    }
    t.print(std::cout);
}

void remote_list(AppContext& ctx, const ListArgs& args) {
    std::string q = "/api/v1/executions?limit=" + std::to_string(args.limit);
    if (!args.action.empty()) q += "&action=" + http::percent_encode(args.action);
    if (!args.status.empty()) q += "&status=" + http::percent_encode(args.status);
    if (!args.parent.empty()) q += "&parent=" + http::percent_encode(args.parent);
    Json all = remote_call(ctx, "GET", q);
    if (ctx.json) {
        std::cout << core::to_json_text(all, 2) << '\n';
        return;
    }
    print_list(all.get<std::vector<Json>>());
}

void execution_list(AppContext& ctx, const ListArgs& args) {
    if (ctx.remote()) return remotely(ctx, [&] { remote_list(ctx, args); });
    store::ExecutionFilter f;
    if (!args.status.empty()) {
        f.status = core::parse_status(args.status);
        if (!f.status) {
            ctx.exit_code = usage_error(ctx, {"unknown status '" + args.status + "' (" + core::status_names() + ")"});
            return;
        }
    }
    auto* store = ctx.host().store();
    if (!args.action.empty()) f.action = args.action;
    if (!args.parent.empty()) f.parent = args.parent;
    f.limit = args.limit;
    auto records = store->executions(f);
    std::vector<Json> views;
    for (const auto& r : records) views.push_back(executions::record_view(r));
    if (ctx.json) {
        std::cout << core::to_json_text(Json(views), 2) << '\n';
        return;
    }
    print_list(views);
}

// The stored record, or nullopt after telling the user (exit status 2).
std::optional<store::ExecutionRecord> find_record(AppContext& ctx, const std::string& id) {
    auto r = ctx.host().store()->execution(id);
    if (!r) ctx.exit_code = usage_error(ctx, {"execution '" + id + "' does not exist"});
    return r;
}

void execution_get(AppContext& ctx, const std::string& id) {
    if (ctx.remote()) {
        return remotely(ctx, [&] {
            Json view = remote_call(ctx, "GET", "/api/v1/executions/" + http::percent_encode(id));
            std::cout << (ctx.json ? core::to_json_text(view, 2) : to_yaml(view)) << '\n';
        });
    }
    auto* store = ctx.host().store();
    auto r = find_record(ctx, id);
    if (!r) return;
    auto output = store->output(id);
    Json view = executions::record_view(*r, &output);
    auto tree = execution_tree(*store, ctx.host().runner_types(), id);
    if (!tree.empty()) {
        view["children"] = Json::array();
        for (const auto& c : tree) {
            if (!c.value("omitted", false)) view["children"].push_back(c["id"]);
        }
    }
    if (ctx.json) {
        if (!tree.empty()) view["tree"] = tree;
        std::cout << core::to_json_text(view, 2) << '\n';
    } else {
        std::cout << to_yaml(view) << '\n';
        print_execution_tree(std::cout, tree);
    }
}

// Prints what a cancel, pause or resume came to; returns the exit status.
int report(AppContext& ctx, const executions::ControlService::Outcome& out, core::Control kind) {
    using Kind = executions::ControlService::Outcome::Kind;
    const auto& r = out.record;
    std::string status(core::to_string(r.status));
    if (out.kind == Kind::already_finished) {
        if (kind != core::Control::cancel) {
            std::cerr << "error: execution " << r.id << " has already finished: " << status << "\n";
            return kExitFailed;
        }
        if (r.status != core::Status::canceled) {  // canceled already: what was asked holds
            std::cerr << "execution " << r.id << " had already finished: " << status << "\n";
            return kExitFailed;
        }
    }
    if (ctx.json) {
        std::cout << core::to_json_text(executions::record_view(r), 2) << '\n';
    } else {
        std::cout << "execution " << r.id << ": " << status << "\n";
    }
    if (out.kind == Kind::still_pending) {
        std::cerr << "error: execution " << r.id << " did not " << core::to_string(kind) << " within "
                  << kControlWait.count() << " s (still " << status << ")\n";
        return kExitFailed;
    }
    if (kind == core::Control::cancel) return r.status == core::Status::canceled ? kExitOk : kExitFailed;
    return kExitOk;
}

// Cancel, pause or resume an execution, here or in another process; a
// workflow whose process ended is continued here by `resume` (waited for
// and printed as `run` does) and closed by `cancel`.
void execution_control(AppContext& ctx, const std::string& id, core::Control kind) {
    if (ctx.remote()) {
        return remotely(ctx, [&] { ctx.exit_code = remote_control(ctx, id, kind, kControlWait); });
    }
    auto& control = ctx.host().control();
    executions::ControlService::Outcome out;
    try {
        switch (kind) {
        case core::Control::cancel: out = control.cancel(id, kControlWait); break;
        case core::Control::pause: out = control.pause(id, kControlWait); break;
        case core::Control::resume: out = control.resume(id, kControlWait); break;
        }
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
        return;
    }
    if (out.continued) {
        std::cerr << "continuing workflow " << id << " left unfinished by an ended packhost process\n";
        ctx.exit_code = wait_and_print(ctx, out.continued);
        return;
    }
    ctx.exit_code = report(ctx, out, kind);
}

void execution_rerun(AppContext& ctx, const std::string& id, const std::vector<std::string>& overrides) {
    if (ctx.remote()) return remotely(ctx, [&] { ctx.exit_code = remote_rerun(ctx, id, overrides); });
    auto& host = ctx.host();
    executions::Request request;
    try {
        request = host.control().re_run_request(id);
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
        return;
    }
    auto action = host.registry().find(request.action);
    if (!action) {
        ctx.exit_code =
            usage_error(ctx, {"action '" + request.action + "' of execution " + id + " is not registered any more"});
        return;
    }
    auto problems = parse_parameters(*action, overrides, request.parameters);
    if (!problems.empty()) {
        ctx.exit_code = usage_error(ctx, problems);
        return;
    }
    ctx.exit_code = submit_and_wait(ctx, std::move(request));
}

void execution_tail(AppContext& ctx, const std::string& id) {
    if (ctx.remote()) return remotely(ctx, [&] { ctx.exit_code = remote_tail(ctx, id); });
    auto* store = ctx.host().store();
    if (!find_record(ctx, id)) return;
    int64_t seq = -1;
    while (true) {
        auto r = store->execution(id);  // read before the output: nothing can be missed after it ended
        for (const auto& chunk : store->output(id, seq)) {
            (chunk.stream == "stderr" ? std::cerr : std::cout) << chunk.data << std::flush;
            seq = chunk.seq;
        }
        if (r && r->end_us != 0) {
            ctx.exit_code = r->status == core::Status::succeeded ? kExitOk : kExitFailed;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void execution_purge(AppContext& ctx, const std::string& older_than) {
    auto seconds = core::parse_duration_seconds(older_than);
    if (!seconds) {
        std::cerr << "error: --older-than '" << older_than << "' is not a duration (e.g. 90s, 15m, 12h, 30d)\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    size_t n = ctx.host().store()->purge(core::now_us() - *seconds * 1000000);
    std::cout << "purged " << n << " execution(s)\n";
}

}  // namespace

void add_execution_commands(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("execution", "Executions: history and details (kept in the packhost home)");
    cmd->require_subcommand(1);

    auto args = std::make_shared<ListArgs>();
    auto* list = cmd->add_subcommand("list", "List recent executions, newest first");
    list->add_option("--action,-a", args->action, "Only this action's (ref)");
    list->add_option("--status,-s", args->status, "Only those in this status");
    list->add_option("--parent,-p", args->parent, "Only the children of this execution (a workflow's tasks)");
    list->add_option("--limit,-n", args->limit, "At most this many")->capture_default_str();
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, args] { execution_list(ctx, *args); });

    auto id = std::make_shared<std::string>();
    auto* get = cmd->add_subcommand("get", "Show an execution: record, output and children");
    get->add_option("id", *id, "Execution id")->required();
    get->add_flag("--json", ctx.json, "Print JSON");
    get->callback([&ctx, id] { execution_get(ctx, *id); });

    auto cancel_id = std::make_shared<std::string>();
    auto* cancel = cmd->add_subcommand("cancel", "Cancel a running execution (in this or another packhost process)");
    cancel->add_option("id", *cancel_id, "Execution id")->required();
    cancel->add_flag("--json", ctx.json, "Print JSON");
    cancel->callback([&ctx, cancel_id] { execution_control(ctx, *cancel_id, core::Control::cancel); });

    auto rerun_id = std::make_shared<std::string>();
    auto overrides = std::make_shared<std::vector<std::string>>();
    auto* rerun =
        cmd->add_subcommand("re-run", "Run an execution's action again with its parameters (key=value overrides)");
    rerun->add_option("id", *rerun_id, "Execution id")->required();
    rerun->add_option("parameters", *overrides, "Parameters to change, as key=value");
    rerun->add_flag("--json", ctx.json, "Print JSON");
    rerun->callback([&ctx, rerun_id, overrides] { execution_rerun(ctx, *rerun_id, *overrides); });

    for (const char* kind : {"pause", "resume"}) {
        auto control_id = std::make_shared<std::string>();
        auto* c =
            cmd->add_subcommand(kind, std::string(kind) == "pause"
                                          ? "Pause a workflow: no new task starts; paused once running ones end"
                                          : "Resume a paused workflow, or continue one whose packhost process ended");
        c->add_option("id", *control_id, "Execution id")->required();
        c->add_flag("--json", ctx.json, "Print JSON (resume of an ended process's workflow)");
        auto control = *core::parse_control(kind);
        c->callback([&ctx, control_id, control] { execution_control(ctx, *control_id, control); });
    }

    auto tail_id = std::make_shared<std::string>();
    auto* tail = cmd->add_subcommand("tail", "Follow an execution's output until it ends");
    tail->add_option("id", *tail_id, "Execution id")->required();
    tail->callback([&ctx, tail_id] { execution_tail(ctx, *tail_id); });

    auto older = std::make_shared<std::string>();
    auto* purge = cmd->add_subcommand("purge", "Delete finished executions (and their output) older than a duration");
    purge->add_option("--older-than", *older, "e.g. 90s, 15m, 12h, 30d")->required();
    purge->callback([&ctx, older] { execution_purge(ctx, *older); });
}

}  // namespace packhost::cli

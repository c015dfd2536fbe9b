// packhost execution list | get ID
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>


#include "core/json.hpp"
#include "actions/runners/runner_types.hpp"
#include "cli/commands.hpp"
#include "cli/execution_tree.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "cli/yaml_view.hpp"
#include "core/json_text.hpp"
#include "core/clock.hpp"
#include "executions/record_view.hpp"
#include "executions/status.hpp"

namespace packhost::cli {
namespace {


struct ListArgs {
    std::string action, status, parent;
    size_t limit = 50;
};

void execution_list(AppContext& ctx, const ListArgs& args) {
    if (!args.status.empty() && !executions::parse_status(args.status)) {
        std::cerr << "error: unknown status '" << args.status
                  << "' (requested, scheduled, running, succeeded, failed, timeout, canceled, abandoned, ...)\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    auto* store = ctx.host().store();
    store::ExecutionFilter f;
    if (!args.action.empty()) f.action = args.action;
    if (!args.status.empty()) f.status = args.status;
    if (!args.parent.empty()) f.parent = args.parent;
    f.limit = args.limit;
    auto records = store->executions(f);
    if (ctx.json) {
        Json out = Json::array();
        for (const auto& r : records) out.push_back(executions::record_view(r));
        std::cout << core::to_json_text(out, 2) << '\n';
        return;
    }
    Table t({"ID", "ACTION", "STATUS", "STARTED", "ELAPSED"});
    for (const auto& r : records) {
        int64_t end = r.end_us ? r.end_us : core::now_us();
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.3fs", double(end - r.start_us) / 1e6);
        t.add({r.id, r.action, r.status, core::iso8601(r.start_us), elapsed});
    }
    t.print(std::cout);
}

// The stored record, or nullopt after telling the user (exit status 2).
std::optional<store::ExecutionRecord> find_record(AppContext& ctx, const std::string& id) {
    auto r = ctx.host().store()->execution(id);
    if (!r) {
        std::cerr << "error: execution '" << id << "' does not exist\n";
        ctx.exit_code = kExitUsage;
    }
    return r;
}

void execution_get(AppContext& ctx, const std::string& id) {
    auto* store = ctx.host().store();
    auto r = find_record(ctx, id);
    if (!r) return;
    auto output = store->output(id);
    Json view = executions::record_view(*r, &output);
    auto tree = execution_tree(*store, id);
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

// Pause or resume a workflow run by another process (through the store), or
// continue one whose process ended (resume only: in this process, waiting
// for it as `run` does).
void execution_control(AppContext& ctx, const std::string& id, const std::string& kind) {
    auto& host = ctx.host();
    auto* store = host.store();
    auto r = find_record(ctx, id);
    if (!r) return;
    if (!actions::is_workflow_runner_type(r->runner_type)) {
        std::cerr << "error: execution " << id << " runs " << r->action << " (" << r->runner_type
                  << "); only workflows (orquesta, action-chain) can be " << kind << "d\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    if (r->end_us != 0) {
        std::cerr << "error: execution " << id << " has already finished: " << r->status << "\n";
        ctx.exit_code = kExitFailed;
        return;
    }
    if (kind == "resume" && !store::owner_alive(r->owner)) {
        auto taken = host.continue_orphans(id);
        if (taken.empty()) {
            std::cerr << "error: execution " << id << " could not be continued (another process took it?)\n";
            ctx.exit_code = kExitFailed;
            return;
        }
        std::cerr << "continuing workflow " << id << " left unfinished by process " << r->owner << "\n";
        // A workflow recorded as paused stays so until resumed: the user just asked.
        for (int i = 0; i < 100; ++i) {
            auto st = taken[0]->status();
            if (st != executions::Status::paused && st != executions::Status::pausing) break;
            if (host.scheduler().resume(id)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ctx.exit_code = wait_and_print(ctx, taken[0]);
        return;
    }
    store->request_control({id, kind});
    // Paused once its running tasks are done; running again at once (and
    // maybe finished by the time we look).
    auto reached = [&](const store::ExecutionRecord& rec) {
        if (kind == "pause") return rec.status == "paused";
        return rec.status != "paused" && rec.status != "pausing" && rec.status != "resuming";
    };
    for (int i = 0; i < 300 && r && !reached(*r) && r->end_us == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        r = store->execution(id);
    }
    if (!r) return;
    std::cout << "execution " << id << ": " << r->status << "\n";
    if (!reached(*r)) std::cerr << "execution " << id << " did not " << kind << " within 30 s\n";
    ctx.exit_code = reached(*r) ? kExitOk : kExitFailed;
}

void execution_cancel(AppContext& ctx, const std::string& id) {
    auto* store = ctx.host().store();
    auto r = find_record(ctx, id);
    if (!r) return;
    if (r->end_us == 0 && !store::owner_alive(r->owner)) {
        // A workflow whose process ended, waiting to be continued: nobody
        // else would take the request, so it is closed here.
        int64_t now = core::now_us();
        r->status = "canceled";
        r->end_us = now;
        r->owner = store::this_process_owner();
        r->log.push_back({{"status", "canceled"}, {"timestamp", now}});
        r->result = {{"error", "canceled while no packhost process was running it"}};
        store->save(*r);
        store->flush();
    } else if (r->end_us == 0) {
        // The process running it takes the request (its host polls for them).
        store->request_control({id, "cancel"});
        for (int i = 0; i < 150 && r && r->end_us == 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            r = store->execution(id);
        }
        if (r && r->end_us == 0) {
            std::cerr << "error: execution " << id << " did not stop within 15 s (still " << r->status << ")\n";
            ctx.exit_code = kExitFailed;
            return;
        }
    } else if (r->status != "canceled") {
        std::cerr << "execution " << id << " had already finished: " << r->status << "\n";
        ctx.exit_code = kExitFailed;
        return;
    }
    if (ctx.json) {
        std::cout << core::to_json_text(executions::record_view(*r), 2) << '\n';
    } else {
        std::cout << "execution " << id << ": " << r->status << "\n";
    }
    ctx.exit_code = r->status == "canceled" ? kExitOk : kExitFailed;
}

void execution_rerun(AppContext& ctx, const std::string& id, const std::vector<std::string>& overrides) {
    auto& host = ctx.host();
    auto r = find_record(ctx, id);
    if (!r) return;
    auto action = host.registry().find(r->action);
    if (!action) {
        std::cerr << "error: action '" << r->action << "' of execution " << id << " is not registered any more\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    // The stored parameters have their secrets masked; the sealed copy has them.
    Json params = r->parameters;
    if (!r->sealed_secrets.empty()) {
        if (!host.secrets()) {
            std::cerr << "error: execution " << id << " has secret parameters and no key to decrypt them\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        params = Json::parse(host.secrets()->unseal(r->sealed_secrets));
    }
    auto problems = parse_parameters(*action, overrides, params);
    if (!problems.empty()) {
        ctx.exit_code = usage_error(ctx, problems);
        return;
    }
    executions::Request request;
    request.action = r->action;
    request.parameters = std::move(params);
    request.context = {{"re-run", {{"ref", id}}}};
    ctx.exit_code = submit_and_wait(ctx, std::move(request));
}

void execution_tail(AppContext& ctx, const std::string& id) {
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
            ctx.exit_code = r->status == "succeeded" ? kExitOk : kExitFailed;
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
    cancel->callback([&ctx, cancel_id] { execution_cancel(ctx, *cancel_id); });

    auto rerun_id = std::make_shared<std::string>();
    auto overrides = std::make_shared<std::vector<std::string>>();
    auto* rerun = cmd->add_subcommand("re-run", "Run an execution's action again with its parameters (key=value overrides)");
    rerun->add_option("id", *rerun_id, "Execution id")->required();
    rerun->add_option("parameters", *overrides, "Parameters to change, as key=value");
    rerun->add_flag("--json", ctx.json, "Print JSON");
    rerun->callback([&ctx, rerun_id, overrides] { execution_rerun(ctx, *rerun_id, *overrides); });

    for (const char* kind : {"pause", "resume"}) {
        auto control_id = std::make_shared<std::string>();
        auto* c = cmd->add_subcommand(kind, std::string(kind) == "pause"
                                                ? "Pause a workflow: no new task starts; paused once running ones end"
                                                : "Resume a paused workflow, or continue one whose packhost process ended");
        c->add_option("id", *control_id, "Execution id")->required();
        c->add_flag("--json", ctx.json, "Print JSON (resume of an ended process's workflow)");
        c->callback([&ctx, control_id, kind] { execution_control(ctx, *control_id, kind); });
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

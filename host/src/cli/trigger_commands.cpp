// packhost trigger list|show (the trigger types: StackStorm's system ones
// and the packs'), trigger-instance list|get|re-emit (from the store, or
// the server's with --url). Re-emitting without --url runs the rules here,
// in this process, and waits for what they start: the same outcome as
// packhost serve's, for trying a rule against a recorded event.
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "events/publishing_store.hpp"
#include "events/rules/engine.hpp"
#include "events/rules/rule_set.hpp"
#include "host.hpp"
#include "http/client.hpp"

namespace packhost::cli {
namespace {

void print_json(const Json& j) { std::cout << core::to_json_text(j, 2) << '\n'; }

void trigger_list(AppContext& ctx, const std::string& pack) {
    Json all = Json::array();
    if (ctx.remote()) {
        all = remote_call(
            ctx, "GET",
            "/api/v1/triggertypes" + (pack.empty() ? std::string() : "?pack=" + http::percent_encode(pack)));
    } else {
        for (const auto* t : ctx.host().trigger_types().list()) {
            if (pack.empty() || t->pack == pack) all.push_back(t->to_json());
        }
    }
    if (ctx.json) return print_json(all);
    Table t({"REF", "FROM", "DESCRIPTION"});
    for (const auto& j : all) t.add({j.value("ref", ""), j.value("source", ""), j.value("description", "")});
    t.print(std::cout);
}

void trigger_show(AppContext& ctx, const std::string& ref) {
    if (ctx.remote()) return print_json(remote_call(ctx, "GET", "/api/v1/triggertypes/" + http::percent_encode(ref)));
    const auto* t = ctx.host().trigger_types().find(ref);
    if (!t) {
        ctx.exit_code = usage_error(ctx, {"trigger type '" + ref + "' is not known (see 'packhost trigger list')"});
        return;
    }
    print_json(t->to_json());
}

struct InstanceArgs {
    std::string trigger, status, id;
    size_t limit = 50;
};

void instance_list(AppContext& ctx, const InstanceArgs& args) {
    Json all = Json::array();
    if (ctx.remote()) {
        std::string q = "/api/v1/triggerinstances?limit=" + std::to_string(args.limit);
        if (!args.trigger.empty()) q += "&trigger=" + http::percent_encode(args.trigger);
        if (!args.status.empty()) q += "&status=" + http::percent_encode(args.status);
        all = remote_call(ctx, "GET", q);
    } else if (auto* store = ctx.host().store()) {
        store::TriggerInstanceFilter f;
        if (!args.trigger.empty()) f.trigger = args.trigger;
        if (!args.status.empty()) f.status = args.status;
        f.limit = args.limit;
        for (const auto& t : store->trigger_instances(f)) all.push_back(events::trigger_instance_view(t));
    }
    if (ctx.json) return print_json(all);
    Table t({"ID", "TRIGGER", "OCCURRED AT", "STATUS"});
    for (const auto& j : all) {
        std::string status = j.value("status", "");
        if (j.contains("reason")) status += ": " + j.value("reason", "");
        t.add({j.value("id", ""), j.value("trigger", ""), j.value("occurrence_time", ""), status});
    }
    t.print(std::cout);
}

std::optional<store::TriggerInstanceRecord> stored_instance(AppContext& ctx, const std::string& id) {
    auto* store = ctx.host().store();
    auto t = store ? store->trigger_instance(id) : std::nullopt;
    if (!t) ctx.exit_code = usage_error(ctx, {"trigger instance '" + id + "' does not exist"});
    return t;
}

void instance_get(AppContext& ctx, const std::string& id) {
    if (ctx.remote())
        return print_json(remote_call(ctx, "GET", "/api/v1/triggerinstances/" + http::percent_encode(id)));
    if (auto t = stored_instance(ctx, id)) print_json(events::trigger_instance_view(*t));
}

void instance_re_emit(AppContext& ctx, const std::string& id) {
    if (ctx.remote()) {
        Json out = remote_call(ctx, "POST", "/api/v1/triggerinstances/" + http::percent_encode(id) + "/re_emit",
                               Json::object());
        if (ctx.json) return print_json(out);
        std::cout << out.value("message", "") << " New trigger instance: " << out.value("id", "") << '\n';
        return;
    }
    auto original = stored_instance(ctx, id);
    if (!original) return;
    auto& host = ctx.host();
    std::vector<std::string> problems;
    auto rules = events::rules::load_rules(host.catalog(), host.store(), host.trigger_types(), problems);
    for (const auto& p : problems) std::cerr << "warning: rule left out: " << p << '\n';
    std::map<std::string, std::shared_ptr<executions::Execution>> started;
    events::rules::Engine engine(host.registry(), host.store(), host.datastore(),
                                 [&host, &started](executions::Request r) {
                                     r.durable = true;
                                     auto e = host.control().start(std::move(r));
                                     started[e->id()] = e;
                                     return e->id();
                                 });
    engine.replace(std::move(rules));
    Json payload = *original->payload;
    payload["__context"] = {{"original_id", original->id}};
    auto emitted = host.emit_trigger(original->trigger, payload, original->parameters);
    if (emitted.outcome == Host::Emitted::Outcome::rejected) {
        std::cerr << "error: trigger instance " << emitted.id << " rejected: " << emitted.reason << '\n';
        ctx.exit_code = kExitFailed;
        return;
    }
    std::vector<store::RuleEnforcementRecord> done;
    for (const auto& instance : host.triggers().drain()) {
        auto some = engine.process(instance);
        done.insert(done.end(), some.begin(), some.end());
    }
    Json out = Json::object();
    out["message"] = "Trigger instance " + original->id + " succesfully re-sent.";
    out["id"] = emitted.id;
    out["payload"] = payload;
    out["enforcements"] = Json::array();
    for (const auto& e : done) {
        Json j = {{"rule", e.rule}, {"execution_id", e.execution_id}, {"failure_reason", e.failure_reason}};
        if (auto ex = started.find(e.execution_id); ex != started.end()) {
            ex->second->wait();
            j["status"] = std::string(core::to_string(ex->second->status()));
        }
        out["enforcements"].push_back(std::move(j));
    }
    if (ctx.json) return print_json(out);
    std::cout << out["message"].get<std::string>() << " New trigger instance: " << emitted.id << '\n';
    if (done.empty()) std::cout << "No rule matched it.\n";
    for (const auto& j : out["enforcements"]) {
        std::cout << "rule " << j["rule"].get<std::string>() << ": "
                  << (j["execution_id"].get<std::string>().empty()
                          ? "failed: " + j["failure_reason"].get<std::string>()
                          : "execution " + j["execution_id"].get<std::string>() + " " + j.value("status", ""))
                  << '\n';
    }
}

}  // namespace

void add_trigger_commands(CLI::App& app, AppContext& ctx) {
    auto* trigger = app.add_subcommand("trigger", "Trigger types: StackStorm's system ones and the packs'");
    trigger->require_subcommand(1);
    auto pack = std::make_shared<std::string>();
    auto* list = trigger->add_subcommand("list", "Every known trigger type");
    list->add_option("--pack,-p", *pack, "Only this pack's");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, pack] { remotely(ctx, [&] { trigger_list(ctx, *pack); }); });
    auto ref = std::make_shared<std::string>();
    auto* show = trigger->add_subcommand("show", "One trigger type with its payload and parameters schemas");
    show->add_option("ref", *ref, "The trigger type's ref (pack.name)")->required();
    show->add_flag("--json", ctx.json, "Print JSON (the default)");
    show->callback([&ctx, ref] { remotely(ctx, [&] { trigger_show(ctx, *ref); }); });
}

void add_trigger_instance_commands(CLI::App& app, AppContext& ctx) {
    auto* ti = app.add_subcommand("trigger-instance", "Trigger instances: what happened, and what became of it");
    ti->require_subcommand(1);
    auto args = std::make_shared<InstanceArgs>();
    auto* list = ti->add_subcommand("list", "Trigger instances, newest first");
    list->add_option("--trigger", args->trigger, "Only this trigger type's");
    list->add_option("--status", args->status,
                     "Only those with this status (pending, processing, processed, processing_failed, rejected)");
    list->add_option("--limit,-n", args->limit, "At most this many (default 50)");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx, args] { remotely(ctx, [&] { instance_list(ctx, *args); }); });
    auto* get = ti->add_subcommand("get", "One trigger instance, as JSON");
    get->add_option("id", args->id, "Its id")->required();
    get->add_flag("--json", ctx.json, "Print JSON (the default)");
    get->callback([&ctx, args] { remotely(ctx, [&] { instance_get(ctx, args->id); }); });
    auto* re = ti->add_subcommand("re-emit",
                                  "Emit a trigger instance again (its payload gains __context.original_id); without "
                                  "--url the rules run here and this waits for what they start");
    re->add_option("id", args->id, "Its id")->required();
    re->add_flag("--json", ctx.json, "Print JSON");
    re->callback([&ctx, args] { remotely(ctx, [&] { instance_re_emit(ctx, args->id); }); });
}

}  // namespace packhost::cli

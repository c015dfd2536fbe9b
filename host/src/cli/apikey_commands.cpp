// packhost apikey create|list|delete: keys for the REST API (StackStorm's
// `st2 apikey`). A key is printed once, when made; only its hash is kept.
#include <iostream>

#include "api/api_keys.hpp"
#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "cli/table.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"

namespace packhost::cli {
namespace {

template <class F>
void guarded(AppContext& ctx, F fn) {
    try {
        fn();
    } catch (const core::ValidationError& e) {
        ctx.exit_code = usage_error(ctx, e.problems());
    }
}

struct ApiKeyArgs {
    std::string name, user, id;
};

api::ApiKeys keys(AppContext& ctx) {
    auto* store = ctx.host().store();
    if (!store) throw core::ValidationError("API keys need a packhost home (--home / PACKHOST_HOME)");
    return api::ApiKeys(*store);
}

Json key_json(const store::ApiKeyRecord& k) {
    Json j = Json::object();
    j["id"] = k.id;
    j["name"] = k.name;
    j["user"] = k.user;
    j["created_at"] = core::iso8601(k.created_us);
    return j;
}

void create(AppContext& ctx, const ApiKeyArgs& a) {
    std::string user = a.user;
    if (user.empty()) {
        const char* u = std::getenv("USER");
        user = u && *u ? u : "packhost";
    }
    auto made = keys(ctx).create(a.name, user);
    if (ctx.json) {
        Json j = key_json(made.record);
        j["key"] = made.key;
        std::cout << core::to_json_text(j, 2) << '\n';
        return;
    }
    std::cout << made.key << '\n';
    std::cerr << "API key " << made.record.name << " (" << made.record.id << ") for user " << user
              << ": shown only now; send it as the St2-Api-Key header\n";
}

void list(AppContext& ctx) {
    auto all = keys(ctx).list();
    if (ctx.json) {
        Json out = Json::array();
        for (const auto& k : all) out.push_back(key_json(k));
        std::cout << core::to_json_text(out, 2) << '\n';
        return;
    }
    Table t({"ID", "NAME", "USER", "CREATED"});
    for (const auto& k : all) t.add({k.id, k.name, k.user, core::iso8601(k.created_us)});
    t.print(std::cout);
}

void remove(AppContext& ctx, const std::string& id) {
    if (!keys(ctx).remove(id)) {
        std::cerr << "error: no API key has the id or name '" << id << "'\n";
        ctx.exit_code = kExitFailed;
        return;
    }
    std::cout << "deleted API key " << id << '\n';
}

}  // namespace

void add_apikey_commands(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<ApiKeyArgs>();
    auto* cmd = app.add_subcommand("apikey", "API keys for the REST API of packhost serve");
    cmd->require_subcommand(1);
    auto* c = cmd->add_subcommand("create", "Make a key and print it (once; only its hash is kept)");
    c->add_option("--name", args->name, "A name to list and delete it by");
    c->add_option("--user", args->user, "Whom requests made with it act as (default: $USER)");
    c->add_flag("--json", ctx.json, "Print JSON");
    c->callback([&ctx, args] { guarded(ctx, [&] { create(ctx, *args); }); });
    auto* l = cmd->add_subcommand("list", "The keys made (never the keys themselves)");
    l->add_flag("--json", ctx.json, "Print JSON");
    l->callback([&ctx] { guarded(ctx, [&] { list(ctx); }); });
    auto* d = cmd->add_subcommand("delete", "Revoke a key: requests made with it are refused from now on");
    d->add_option("key", args->id, "The key's id or name")->required();
    d->callback([&ctx, args] { guarded(ctx, [&] { remove(ctx, args->id); }); });
}

}  // namespace packhost::cli

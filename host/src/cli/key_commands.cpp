// packhost key set|get|list|delete: StackStorm's datastore from the shell.
#include <iostream>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "cli/table.hpp"
#include "core/json_text.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "store/key_value_view.hpp"

namespace packhost::cli {
namespace {

struct KeyArgs {
    std::string name, value, scope = "system", prefix;
    int64_t ttl = 0;
    bool encrypt = false, decrypt = false;
};

std::string current_user() {
    const char* u = std::getenv("USER");
    return u && *u ? u : "packhost";
}

store::Datastore::Options options(const KeyArgs& a, bool secret) {
    return {a.scope, a.scope == "user" ? current_user() : "", secret};
}

store::Datastore& datastore(AppContext& ctx) {
    auto* ds = ctx.host().datastore();
    if (!ds) throw core::ValidationError("the datastore needs a packhost home (--home / PACKHOST_HOME)");
    return *ds;
}

// Keys as StackStorm's API shows them (store::key_value_view), from the
// local datastore or from a server.
void print(AppContext& ctx, const std::vector<Json>& kvs, bool single) {
    if (ctx.json) {
        std::cout << core::to_json_text(single ? kvs.front() : Json(kvs), 2) << '\n';
        return;
    }
    Table t({"NAME", "VALUE", "SECRET", "SCOPE", "EXPIRES"});
    for (const auto& kv : kvs) {
        const auto& expires = kv["expire_timestamp"];
        t.add({kv.value("name", ""), kv.value("value", ""), kv.value("secret", false) ? "yes" : "no",
               kv.value("scope", ""), expires.is_string() ? expires.get<std::string>() : "-"});
    }
    t.print(std::cout);
}

void print(AppContext& ctx, const std::vector<store::KeyValue>& kvs, bool single) {
    std::vector<Json> views;
    for (const auto& kv : kvs) views.push_back(store::key_value_view(kv));
    print(ctx, views, single);
}

std::string key_target(const std::string& name, const KeyArgs& a, bool decrypt) {
    return "/api/v1/keys/" + http::percent_encode(name) + "?scope=" + a.scope + (decrypt ? "&decrypt=true" : "");
}

// A key the server does not have: said as the local command says it.
bool missing(AppContext& ctx, const RemoteError& e, const KeyArgs& a) {
    if (e.exit_code() != kExitUsage || std::string_view(e.what()).find("not found") == std::string_view::npos) {
        return false;
    }
    std::cerr << "error: key '" << a.name << "' does not exist in the " << a.scope << " scope\n";
    ctx.exit_code = kExitUsage;
    return true;
}

}  // namespace

void add_key_commands(CLI::App& app, AppContext& ctx) {
    auto* key = app.add_subcommand("key", "Datastore: keys and values, secrets encrypted at rest");
    key->require_subcommand(1);
    auto scope_opt = [](CLI::App* c, KeyArgs& a) {
        c->add_option("--scope", a.scope, "system (shared) or user (yours)")
            ->check(CLI::IsMember({"system", "user"}))
            ->capture_default_str();
    };

    auto a = std::make_shared<KeyArgs>();
    auto* set = key->add_subcommand("set", "Create or replace a key");
    set->add_option("name", a->name, "Key name")->required();
    set->add_option("value", a->value, "Value (text)")->required();
    set->add_option("--ttl", a->ttl, "Seconds until the key expires (0 = never)")->check(CLI::NonNegativeNumber);
    set->add_flag("--encrypt,-e", a->encrypt, "Store the value encrypted (a secret)");
    scope_opt(set, *a);
    set->callback([&ctx, a] {
        if (ctx.remote()) {
            return remotely(ctx, [&] {
                Json body{{"value", a->value}, {"secret", a->encrypt}, {"scope", a->scope}, {"ttl", a->ttl}};
                print(ctx, std::vector<Json>{remote_call(ctx, "PUT", key_target(a->name, *a, false), body)}, true);
            });
        }
        datastore(ctx).set(a->name, a->value, std::chrono::seconds(a->ttl), options(*a, a->encrypt));
        auto kv = datastore(ctx).get(a->name, options(*a, false));
        print(ctx, std::vector<store::KeyValue>{*kv}, true);
    });
    set->add_flag("--json", ctx.json, "Print JSON");

    auto g = std::make_shared<KeyArgs>();
    auto* get = key->add_subcommand("get", "Show a key (a secret stays encrypted without --decrypt)");
    get->add_option("name", g->name, "Key name")->required();
    get->add_flag("--decrypt,-d", g->decrypt, "Show a secret's plaintext");
    get->add_flag("--json", ctx.json, "Print JSON");
    scope_opt(get, *g);
    get->callback([&ctx, g] {
        if (ctx.remote()) {
            return remotely(ctx, [&] {
                try {
                    print(ctx, std::vector<Json>{remote_call(ctx, "GET", key_target(g->name, *g, g->decrypt))}, true);
                } catch (const RemoteError& e) {
                    if (!missing(ctx, e, *g)) throw;
                }
            });
        }
        auto kv = datastore(ctx).get(g->name, options(*g, g->decrypt));
        if (!kv) {
            std::cerr << "error: key '" << g->name << "' does not exist in the " << g->scope << " scope\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        print(ctx, std::vector<store::KeyValue>{*kv}, true);
    });

    auto l = std::make_shared<KeyArgs>();
    auto* list = key->add_subcommand("list", "List keys");
    list->add_option("--prefix,-p", l->prefix, "Only keys starting with this");
    list->add_flag("--decrypt,-d", l->decrypt, "Show secrets' plaintext");
    list->add_flag("--json", ctx.json, "Print JSON");
    scope_opt(list, *l);
    list->callback([&ctx, l] {
        if (ctx.remote()) {
            return remotely(ctx, [&] {
                Json all = remote_call(ctx, "GET",
                                       "/api/v1/keys?scope=" + l->scope + "&prefix=" + http::percent_encode(l->prefix) +
                                           (l->decrypt ? "&decrypt=true" : ""));
                print(ctx, all.get<std::vector<Json>>(), false);
            });
        }
        print(ctx, datastore(ctx).list(l->prefix, options(*l, l->decrypt)), false);
    });

    auto d = std::make_shared<KeyArgs>();
    auto* del = key->add_subcommand("delete", "Delete a key");
    del->add_option("name", d->name, "Key name")->required();
    scope_opt(del, *d);
    del->callback([&ctx, d] {
        if (ctx.remote()) {
            return remotely(ctx, [&] {
                try {
                    remote_call(ctx, "DELETE", key_target(d->name, *d, false));
                    std::cout << "deleted " << d->name << '\n';
                } catch (const RemoteError& e) {
                    if (!missing(ctx, e, *d)) throw;
                }
            });
        }
        if (!datastore(ctx).remove(d->name, options(*d, false))) {
            std::cerr << "error: key '" << d->name << "' does not exist in the " << d->scope << " scope\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        std::cout << "deleted " << d->name << '\n';
    });
}

}  // namespace packhost::cli

// packhost key set|get|list|delete: StackStorm's datastore from the shell.
#include <iostream>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
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

void print(AppContext& ctx, const std::vector<store::KeyValue>& kvs, bool single) {
    if (ctx.json) {
        if (single) {
            std::cout << core::to_json_text(store::key_value_view(kvs.front()), 2) << '\n';
            return;
        }
        Json out = Json::array();
        for (const auto& kv : kvs) out.push_back(store::key_value_view(kv));
        std::cout << core::to_json_text(out, 2) << '\n';
        return;
    }
    Table t({"NAME", "VALUE", "SECRET", "SCOPE", "EXPIRES"});
    for (const auto& kv : kvs) {
        t.add(
            {kv.name, kv.value, kv.secret ? "yes" : "no", kv.scope, kv.expire_us ? core::iso8601(kv.expire_us) : "-"});
    }
    t.print(std::cout);
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
        datastore(ctx).set(a->name, a->value, std::chrono::seconds(a->ttl), options(*a, a->encrypt));
        auto kv = datastore(ctx).get(a->name, options(*a, false));
        print(ctx, {*kv}, true);
    });
    set->add_flag("--json", ctx.json, "Print JSON");

    auto g = std::make_shared<KeyArgs>();
    auto* get = key->add_subcommand("get", "Show a key (a secret stays encrypted without --decrypt)");
    get->add_option("name", g->name, "Key name")->required();
    get->add_flag("--decrypt,-d", g->decrypt, "Show a secret's plaintext");
    get->add_flag("--json", ctx.json, "Print JSON");
    scope_opt(get, *g);
    get->callback([&ctx, g] {
        auto kv = datastore(ctx).get(g->name, options(*g, g->decrypt));
        if (!kv) {
            std::cerr << "error: key '" << g->name << "' does not exist in the " << g->scope << " scope\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        print(ctx, {*kv}, true);
    });

    auto l = std::make_shared<KeyArgs>();
    auto* list = key->add_subcommand("list", "List keys");
    list->add_option("--prefix,-p", l->prefix, "Only keys starting with this");
    list->add_flag("--decrypt,-d", l->decrypt, "Show secrets' plaintext");
    list->add_flag("--json", ctx.json, "Print JSON");
    scope_opt(list, *l);
    list->callback([&ctx, l] { print(ctx, datastore(ctx).list(l->prefix, options(*l, l->decrypt)), false); });

    auto d = std::make_shared<KeyArgs>();
    auto* del = key->add_subcommand("delete", "Delete a key");
    del->add_option("name", d->name, "Key name")->required();
    scope_opt(del, *d);
    del->callback([&ctx, d] {
        if (!datastore(ctx).remove(d->name, options(*d, false))) {
            std::cerr << "error: key '" << d->name << "' does not exist in the " << d->scope << " scope\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        std::cout << "deleted " << d->name << '\n';
    });
}

}  // namespace packhost::cli

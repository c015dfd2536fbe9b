// packhost pack list | pack show PACK
#include <iostream>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "cli/table.hpp"
#include "cli/yaml_view.hpp"
#include "actions/pack_view.hpp"
#include "core/json_text.hpp"

namespace packhost::cli {
namespace {

using actions::pack_json;
using actions::refused_pack_json;

void pack_list(AppContext& ctx) {
    if (ctx.remote()) {
        return remotely(ctx, [&] {
            Json loaded = remote_call(ctx, "GET", "/api/v1/packs");
            if (ctx.json) {
                std::cout << core::to_json_text(Json{{"loaded", loaded}}, 2) << '\n';
                return;
            }
            Table t({"REF", "VERSION", "ACTIONS", "DESCRIPTION"});
            for (const auto& p : loaded) {
                t.add({p.value("ref", ""), p.value("version", ""),
                       std::to_string(p.value("actions", Json::array()).size()), p.value("description", "")});
            }
            t.print(std::cout);
        });
    }
    auto& host = ctx.host();
    const auto& catalog = host.catalog();
    if (ctx.json) {
        Json out{{"loaded", Json::array()}, {"refused", Json::array()}};
        for (const auto& p : catalog.loaded()) out["loaded"].push_back(pack_json(*p, host.registry()));
        for (const auto& r : catalog.refused()) out["refused"].push_back(refused_pack_json(r));
        out["warnings"] = catalog.warnings();
        std::cout << core::to_json_text(out, 2) << '\n';
        return;
    }
    Table t({"REF", "VERSION", "ACTIONS", "DESCRIPTION"});
    for (const auto& p : catalog.loaded()) {
        t.add({p->metadata.ref, p->metadata.version, std::to_string(host.registry().count(p->metadata.ref)),
               p->metadata.description});
    }
    t.print(std::cout);
    if (!catalog.refused().empty()) {
        std::cout << "\nRefused packs:\n";
        for (const auto& r : catalog.refused()) std::cout << "  " << r.reason << '\n';
    }
    if (!catalog.warnings().empty()) {
        std::cout << "\nWarnings:\n";
        for (const auto& w : catalog.warnings()) std::cout << "  " << w << '\n';
    }
}

void pack_show(AppContext& ctx, const std::string& ref) {
    auto& host = ctx.host();
    const auto* pack = host.catalog().find(ref);
    if (!pack) {
        for (const auto& r : host.catalog().refused()) {
            // A pack whose pack.yaml could not be read is known by its directory.
            if (r.ref == ref || (r.ref.empty() && r.dir.filename() == ref)) {
                if (ctx.json) {
                    std::cout << core::to_json_text(Json{{"refused", refused_pack_json(r)}}, 2) << '\n';
                } else {
                    std::cerr << "pack '" << ref << "' was refused: " << r.reason << '\n';
                }
                ctx.exit_code = kExitFailed;
                return;
            }
        }
        std::cerr << "error: pack '" << ref << "' is not installed (see 'packhost pack list')\n";
        ctx.exit_code = kExitUsage;
        return;
    }
    Json j = pack_json(*pack, host.registry());
    if (ctx.json) {
        std::cout << core::to_json_text(j, 2) << '\n';
    } else {
        std::cout << to_yaml(j) << '\n';
    }
}

}  // namespace

void add_pack_commands(CLI::App& app, AppContext& ctx) {
    auto* pack = app.add_subcommand("pack", "Packs: list and inspect installed packs");
    pack->require_subcommand(1);

    auto* list = pack->add_subcommand("list", "List loaded packs, and refused ones with the reason");
    list->add_flag("--json", ctx.json, "Print JSON");
    list->callback([&ctx] { pack_list(ctx); });

    auto* show = pack->add_subcommand("show", "Show a pack's metadata, actions, triggers and sensors");
    auto ref = std::make_shared<std::string>();
    show->add_option("pack", *ref, "Pack ref")->required();
    show->add_flag("--json", ctx.json, "Print JSON");
    show->callback([&ctx, ref] { pack_show(ctx, *ref); });
}

}  // namespace packhost::cli

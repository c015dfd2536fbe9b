// packhost pack list | pack show PACK
#include <iostream>

#include "core/json_value.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "cli/yaml_view.hpp"
#include "core/json_text.hpp"

namespace packhost::cli {
namespace {

Json pack_json(const packs::LoadedPack& p, const actions::Registry& registry) {
    const auto& m = p.metadata;
    Json j{{"ref", m.ref},         {"name", m.name},     {"description", m.description},
           {"version", m.version}, {"author", m.author}, {"path", m.dir.string()}};
    if (!m.email.empty()) j["email"] = m.email;
    if (!m.keywords.empty()) j["keywords"] = m.keywords;
    if (!m.dependencies.empty()) j["dependencies"] = m.dependencies;
    if (!m.contributors.empty()) j["contributors"] = m.contributors;
    if (p.config.has_schema || !p.config.values.empty()) j["config"] = p.config.masked();
    auto actions = Json::array();
    for (const auto& a : registry.list(m.ref)) actions.push_back(a->name);
    j["actions"] = std::move(actions);
    if (p.native) {
        const auto& n = *p.native;
        Json native{{"library", n.path.string()},
                    {"abi", std::to_string(n.abi.major) + "." + std::to_string(n.abi.minor)},
                    {"sdk_version", n.sdk_version},
                    {"build_info", n.build_info}};
        auto triggers = Json::array();
        for (const auto& t : n.trigger_types) {
            Json tj{{"name", t.name}, {"ref", m.ref + "." + t.name}, {"description", t.description}};
            if (!t.payload_schema.empty()) tj["payload_schema"] = Json::parse(t.payload_schema);
            triggers.push_back(std::move(tj));
        }
        auto sensors = Json::array();
        for (const auto& s : n.sensors) {
            sensors.push_back({{"name", s.name},
                               {"description", s.description},
                               {"trigger_types", s.trigger_types},
                               {"poll_interval", s.poll_interval_seconds}});
        }
        j["native"] = std::move(native);
        j["trigger_types"] = std::move(triggers);
        j["sensors"] = std::move(sensors);
    }
    return j;
}

Json refused_json(const packs::RefusedPack& r) {
    Json j{{"path", r.dir.string()}, {"reason", r.reason}};
    if (!r.ref.empty()) j["ref"] = r.ref;
    return j;
}

void pack_list(AppContext& ctx) {
    auto& host = ctx.host();
    const auto& catalog = host.catalog();
    if (ctx.json) {
        Json out{{"loaded", Json::array()}, {"refused", Json::array()}};
        for (const auto& p : catalog.loaded()) out["loaded"].push_back(pack_json(*p, host.registry()));
        for (const auto& r : catalog.refused()) out["refused"].push_back(refused_json(r));
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
                    std::cout << core::to_json_text(Json{{"refused", refused_json(r)}}, 2) << '\n';
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

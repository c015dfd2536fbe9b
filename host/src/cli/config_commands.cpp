// packhost config show [--json]: the configuration in effect, each value
// with where it came from (flag, environment, file:line, default); secrets
// masked.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/json_text.hpp"
#include "packs/discovery.hpp"

namespace packhost::cli {

void add_config_commands(CLI::App& app, AppContext& ctx) {
    auto* config = app.add_subcommand("config", "The site configuration ($PACKHOST_HOME/config.yaml or --config)");
    config->require_subcommand(1);
    auto* show = config->add_subcommand("show", "Print the configuration in effect and where each value comes from");
    show->add_flag("--json", ctx.json, "Print JSON");
    show->callback([&ctx] {
        Json all = ctx.settings.show();
        // Defaults that depend on the home or the binary, as they come out.
        auto fill = [&all](const char* key, const std::string& value) {
            if (all[key]["value"].is_null()) all[key] = {{"value", value}, {"source", "default"}};
        };
        fill("store.file", ctx.store_path().string());
        fill("secrets.key_file", ctx.key_path().string());
        std::string bundled;
        for (const auto& dir : packs::default_search_path(ctx.executable)) {
            bundled += (bundled.empty() ? "" : ":") + dir.string();
        }
        fill("packs.path", bundled);
        if (ctx.json) {
            Json out = Json::object();
            out["file"] = ctx.settings.file().string();
            out["settings"] = all;
            std::cout << core::to_json_text(out, 2) << '\n';
            return;
        }
        std::cout << "configuration file: " << ctx.settings.file().string() << "\n";
        Table t({"KEY", "VALUE", "FROM"});
        for (const auto& [key, v] : all.items()) {
            const Json& value = v["value"];
            std::string text = value.is_null() ? "-" : value.is_string() ? value.get<std::string>() : "";
            if (value.is_array()) {
                for (const auto& item : value) text += (text.empty() ? "" : ", ") + item.get<std::string>();
            }
            t.add({key, text, v["source"].get<std::string>()});
        }
        t.print(std::cout);
    });
}

}  // namespace packhost::cli

// packhost render TEMPLATE [--context FILE|-] [--json]
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "core/json_text.hpp"
#include "expr/template.hpp"
#include "store/datastore.hpp"

namespace packhost::cli {
namespace {

// The datastore, for st2kv in the template, when this home has one.
struct DatastoreAccess {
    std::unique_ptr<store::Store> store;
    std::optional<core::SecretBox> box;
    std::unique_ptr<store::Datastore> ds;
};

DatastoreAccess open_datastore(AppContext& app) {
    DatastoreAccess d;
    std::error_code ec;
    if (!std::filesystem::exists(app.store_path(), ec)) return d;
    d.store = store::open_sqlite_store(app.store_path().string());
    d.box = core::SecretBox::open(app.key_path());
    d.ds = std::make_unique<store::Datastore>(*d.store, *d.box);
    return d;
}

struct RenderArgs {
    std::string source;
    std::string context_file;
    bool json = false;
};

int render(AppContext& app, const RenderArgs& args) {
    Json vars = Json::object();
    if (!args.context_file.empty()) {
        std::string text;
        if (args.context_file == "-") {
            text.assign(std::istreambuf_iterator<char>(std::cin), {});
        } else {
            std::ifstream in(args.context_file);
            if (!in) {
                std::cerr << "error: cannot read context file " << args.context_file << '\n';
                return kExitUsage;
            }
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        try {
            vars = core::parse_json(text, "the context (" + args.context_file + ")");
        } catch (const core::JsonTextError& e) {
            std::cerr << "error: " << e.what() << '\n';
            return kExitUsage;
        }
        if (!vars.is_object()) {
            std::cerr << "error: the context (" << args.context_file << ") must be a JSON object\n";
            return kExitUsage;
        }
    }
    try {
        auto t = expr::Template::compile(args.source);
        expr::Context ctx(vars);
        expr::add_global_functions(ctx);
        auto access = open_datastore(app);
        if (access.ds) {
            const char* user = std::getenv("USER");
            ctx.set("st2kv", expr::Value::object(access.ds->template_object(user && *user ? user : "packhost")));
        }
        if (args.json) {
            std::cout << core::to_json_text(t->render_value(ctx), 2) << '\n';
        } else {
            std::cout << t->render(ctx) << '\n';
        }
    } catch (const expr::TemplateError& e) {
        std::cerr << "error: template " << e.what() << '\n';
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace

void add_render_command(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<RenderArgs>();
    auto* cmd = app.add_subcommand("render", "Render a Jinja template against a JSON context");
    cmd->add_option("template", args->source, "The template text, e.g. '{{ trigger.body.name | upper }}'")->required();
    cmd->add_option("--context,-c", args->context_file, "JSON file holding the variables ('-' reads stdin)");
    cmd->add_flag("--json", args->json,
                  "Print the typed value as JSON (a template that is exactly one {{ expr }} yields its value)");
    cmd->callback([&ctx, args] { ctx.exit_code = render(ctx, *args); });
}

}  // namespace packhost::cli

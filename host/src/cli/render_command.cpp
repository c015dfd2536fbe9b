// packhost render TEMPLATE [--context FILE|-] [--json]
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "expr/template.hpp"

namespace packhost::cli {
namespace {

struct RenderArgs {
    std::string source;
    std::string context_file;
    bool json = false;
};

int render(const RenderArgs& args) {
    expr::Json vars = expr::Json::object();
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
        vars = expr::Json::parse(text, nullptr, false);
        if (vars.is_discarded() || !vars.is_object()) {
            std::cerr << "error: the context (" << args.context_file << ") must be a JSON object\n";
            return kExitUsage;
        }
    }
    try {
        auto t = expr::Template::compile(args.source);
        expr::Context ctx(vars);
        expr::add_global_functions(ctx);
        if (args.json) {
            std::cout << t->render_value(ctx).dump(2, ' ', false, expr::Json::error_handler_t::replace) << '\n';
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
    cmd->callback([&ctx, args] { ctx.exit_code = render(*args); });
}

}  // namespace packhost::cli

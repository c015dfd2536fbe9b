// The packhost command: parses arguments, calls the library, prints.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>
#include <packhost/abi.h>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "core/logging.hpp"

namespace {

std::string self_path(const char* argv0) {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) return std::string(buf, static_cast<size_t>(n));
    return argv0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace packhost::cli;
    // Output to a closed pipe or terminal is an error to handle where it
    // happens, not a signal that kills packhost in the middle of cleaning up.
    std::signal(SIGPIPE, SIG_IGN);
    AppContext ctx;
    ctx.executable = self_path(argv[0]);

    CLI::App app{"packhost: a native automation hub (StackStorm-style packs, actions in-process)", "packhost"};
    app.set_version_flag("--version", "packhost " PACKHOST_VERSION " (pack ABI " PH_ABI_VERSION ")");
    app.require_subcommand(1);
    app.add_option("--packs-path", ctx.packs_path,
                   "Colon-separated directories holding packs (default: $PACKHOST_PACKS_PATH, else the bundled packs)");
    app.add_option("--home", ctx.home,
                   "Where packhost keeps its state (default: $PACKHOST_HOME, else $XDG_DATA_HOME/packhost, "
                   "else ~/.local/share/packhost)");
    app.add_option("--store", ctx.store_file, "The SQLite store (default: $PACKHOST_STORE, else <home>/packhost.db)");
    app.add_option("--key-file", ctx.key_file,
                   "The key secrets are encrypted with (default: $PACKHOST_KEY_FILE, else <home>/keys/packhost.key)");
    app.add_option(
        "--retention", ctx.retention,
        "Purge finished executions older than this at start, e.g. 30d (default: $PACKHOST_RETENTION, else keep all)");
    app.add_option("--config", ctx.config_file,
                   "The site configuration (default: $PACKHOST_CONFIG, else <home>/config.yaml); flags and "
                   "environment variables win over it");
    app.add_option("--url", ctx.url,
                   "Talk to a packhost serve at this URL (http://host:port) instead of opening the store "
                   "(default: $PACKHOST_URL): run, execution list|get|cancel|re-run|tail, key, pack list, action list");
    app.add_option("--api-key", ctx.api_key, "The API key for --url (default: $PACKHOST_API_KEY)");
    app.add_option("--log-level", ctx.log_level,
                   "trace, debug, info, warn, error, critical or off (default: $PACKHOST_LOG_LEVEL, else warn)");
    app.add_option("--log-format", ctx.log_format,
                   "Log lines as text or json (default: $PACKHOST_LOG_FORMAT, else text)");
    app.add_option("--workers", ctx.workers,
                   "Worker threads for executions (default: $PACKHOST_WORKERS, else one per CPU)");
    app.add_option("--output-cap", ctx.output_cap,
                   "Bytes of each output stream a script's result keeps; the rest is cut with a marker "
                   "(default: $PACKHOST_OUTPUT_CAP, else 4 MiB)");
    app.add_option("--workflow-max-tasks", ctx.workflow_max_tasks,
                   "Task runs one workflow may make before it is failed (default: $PACKHOST_WORKFLOW_MAX_TASKS, "
                   "else 50000)")
        ->check(CLI::PositiveNumber);
    app.add_option("--workflow-max-state", ctx.workflow_max_state_mib,
                   "MiB of state one workflow may record before it is failed (default: "
                   "$PACKHOST_WORKFLOW_MAX_STATE, else 256)")
        ->check(CLI::PositiveNumber);
    app.fallthrough();

    // Describing every command to CLI11 costs more than some commands take
    // to run: `packhost run …` describes only `run`. Anything else (help, an
    // option first, a typo) gets them all, and CLI11's messages about them.
    using Adder = void (*)(CLI::App&, AppContext&);
    static const std::pair<const char*, Adder> kCommands[] = {
        {"pack", add_pack_commands},
        {"action", add_action_commands},
        {"run", add_run_command},
        {"render", add_render_command},
        {"execution", add_execution_commands},
        {"key", add_key_commands},
        {"workflow", add_workflow_commands},
        {"serve", add_serve_command},
        {"apikey", add_apikey_commands},
        {"config", add_config_commands},
        {"rule", add_rule_commands},
        {"rule-enforcement", add_rule_enforcement_commands},
        {"trigger", add_trigger_commands},
        {"trigger-instance", add_trigger_instance_commands},
        {"sensor", add_sensor_commands},
        {"alias", add_alias_commands},
        {"chat", add_chat_command},
    };
    std::string_view first = argc > 1 ? argv[1] : "";
    bool one = false;
    for (const auto& [name, add] : kCommands) {
        if (first == name) {
            add(app, ctx);
            one = true;
        }
    }
    if (!one && first != "--version") {
        for (const auto& [name, add] : kCommands) add(app, ctx);
    }

    app.parse_complete_callback([&ctx] {
        ctx.load_settings();
        packhost::core::setup_logging(ctx.settings.text("log.level"), ctx.settings.text("log.format") == "json"
                                                                          ? packhost::core::LogFormat::json
                                                                          : packhost::core::LogFormat::text);
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    } catch (const packhost::core::ValidationError& e) {
        return usage_error(ctx, e.problems());
    } catch (const std::exception& e) {
        if (ctx.json) {
            std::cout << packhost::core::to_json_text(packhost::Json{{"error", e.what()}}, 2) << '\n';
        } else {
            std::cerr << "error: " << e.what() << '\n';
        }
        return kExitFailed;
    }

    if (ctx.shutdown()) {
        // A worker is still inside pack code that ignored cancellation;
        // unwinding statics under it would crash. Leave without unwinding.
        std::cout.flush();
        packhost::core::log::shutdown();
        std::fflush(nullptr);
        _exit(ctx.exit_code);
    }
    return ctx.exit_code;
}

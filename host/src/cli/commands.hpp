#pragma once
#include <CLI/CLI.hpp>

#include "cli/app_context.hpp"

namespace packhost::cli {

// Each adds its subcommands to `app`; their callbacks set ctx.exit_code.
void add_pack_commands(CLI::App& app, AppContext& ctx);
void add_action_commands(CLI::App& app, AppContext& ctx);
void add_run_command(CLI::App& app, AppContext& ctx);
void add_render_command(CLI::App& app, AppContext& ctx);
void add_execution_commands(CLI::App& app, AppContext& ctx);
void add_key_commands(CLI::App& app, AppContext& ctx);
void add_workflow_commands(CLI::App& app, AppContext& ctx);
void add_serve_command(CLI::App& app, AppContext& ctx);
void add_apikey_commands(CLI::App& app, AppContext& ctx);
void add_config_commands(CLI::App& app, AppContext& ctx);
void add_rule_commands(CLI::App& app, AppContext& ctx);
void add_rule_enforcement_commands(CLI::App& app, AppContext& ctx);
void add_trigger_commands(CLI::App& app, AppContext& ctx);
void add_sensor_commands(CLI::App& app, AppContext& ctx);
void add_trigger_instance_commands(CLI::App& app, AppContext& ctx);
void add_alias_commands(CLI::App& app, AppContext& ctx);
void add_chat_command(CLI::App& app, AppContext& ctx);

}  // namespace packhost::cli

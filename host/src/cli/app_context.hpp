#pragma once
// What every command shares: the global options and the host, built on
// first use (so `--help` never loads packs).
#include <filesystem>
#include <memory>
#include <string>

#include "cli/settings.hpp"
#include "host.hpp"
#include "http/client.hpp"

namespace packhost::cli {

// Exit statuses, as documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct AppContext {
    std::string executable;
    std::string packs_path;   // --packs-path / PACKHOST_PACKS_PATH
    std::string home;         // --home / PACKHOST_HOME
    std::string retention;    // --retention / PACKHOST_RETENTION
    std::string store_file;   // --store / PACKHOST_STORE (default <home>/packhost.db)
    std::string key_file;     // --key-file / PACKHOST_KEY_FILE (default <home>/keys/packhost.key)
    std::string config_file;  // --config / PACKHOST_CONFIG (default <home>/config.yaml)
    std::string url;          // --url / PACKHOST_URL: a remote packhost serve
    std::string api_key;      // --api-key / PACKHOST_API_KEY
    std::string log_level;
    std::string log_format;
    size_t workers = 0;
    size_t output_cap = 0;              // --output-cap / PACKHOST_OUTPUT_CAP
    size_t workflow_max_tasks = 0;      // --workflow-max-tasks / PACKHOST_WORKFLOW_MAX_TASKS
    size_t workflow_max_state_mib = 0;  // --workflow-max-state / PACKHOST_WORKFLOW_MAX_STATE
    bool json = false;                  // --json
    int exit_code = kExitOk;
    // Set before host() by commands that publish events (serve); outlives the host.
    std::unique_ptr<events::EventBus> events;

    // The flags, the environment and the site configuration, once the
    // command line is parsed (load_settings()).
    Settings settings;
    // Reads the configuration file and notes the global flags given.
    void load_settings();

    Host& host();
    // The client for a remote `packhost serve` when a URL is set, else null.
    http::Client* remote();
    // $PACKHOST_HOME, else $XDG_DATA_HOME/packhost, else ~/.local/share/packhost.
    std::filesystem::path home_dir() const;
    // --store / $PACKHOST_STORE / <home>/packhost.db, and likewise the key.
    std::filesystem::path store_path() const;
    std::filesystem::path key_path() const;
    // Shuts the host down; returns true when pack code is still running on
    // an abandoned thread (the caller must _exit instead of returning).
    bool shutdown();

private:
    std::unique_ptr<Host> host_;
    std::unique_ptr<http::Client> remote_;
};

}  // namespace packhost::cli

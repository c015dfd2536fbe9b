#include "cli/app_context.hpp"

#include <cstdlib>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "packs/discovery.hpp"

namespace packhost::cli {

void AppContext::load_settings() {
    std::string file = config_file;
    bool given = !file.empty();
    if (!given) {
        if (const char* c = std::getenv("PACKHOST_CONFIG"); c && *c) file = c, given = true;
    }
    settings = Settings::load(given ? std::filesystem::path(file) : home_dir() / "config.yaml", given);
    settings.set_flag("packs.path", packs_path);
    settings.set_flag("store.file", store_file);
    settings.set_flag("secrets.key_file", key_file);
    settings.set_flag("executions.retention", retention);
    settings.set_flag("log.level", log_level);
    settings.set_flag("log.format", log_format);
    if (workers) settings.set_flag("executions.workers", std::to_string(workers));
    if (output_cap) settings.set_flag("executions.output_cap", std::to_string(output_cap));
    if (workflow_max_tasks) settings.set_flag("workflows.max_tasks", std::to_string(workflow_max_tasks));
    if (workflow_max_state_mib) settings.set_flag("workflows.max_state_mib", std::to_string(workflow_max_state_mib));
    settings.set_flag("client.url", url);
    settings.set_flag("client.api_key", api_key);
}

http::Client* AppContext::remote() {
    if (!remote_) {
        std::string base = settings.text("client.url");
        if (base.empty()) return nullptr;
        try {
            remote_ = std::make_unique<http::Client>(base);
        } catch (const std::invalid_argument& e) {
            throw core::ValidationError(std::string("--url: ") + e.what());
        }
        std::string key = settings.text("client.api_key");
        if (!key.empty()) remote_->set_header("St2-Api-Key", key);
    }
    return remote_.get();
}

Host& AppContext::host() {
    if (!host_) {
        HostOptions opts;
        std::string path = settings.text("packs.path");
        opts.packs_path = path.empty() ? packs::default_search_path(executable) : packs::parse_search_path(path);
        opts.scheduler.workers = static_cast<size_t>(settings.number("executions.workers"));
        opts.output_cap = static_cast<size_t>(settings.number("executions.output_cap"));
        if (auto n = settings.number("workflows.max_tasks"); n > 0) {
            opts.scheduler.workflow_limits.max_tasks = static_cast<size_t>(n);
        }
        if (auto mib = settings.number("workflows.max_state_mib"); mib > 0) {
            opts.scheduler.workflow_limits.max_state_bytes = static_cast<size_t>(mib) << 20;
        }
        opts.store_file = store_path();
        opts.key_file = key_path();
        opts.configs_dir = home_dir() / "configs";
        opts.pack_index_file = home_dir() / "cache" / "pack-index";
        opts.retention = std::chrono::seconds(settings.number("executions.retention"));
        if (const char* user = std::getenv("USER"); user && *user) opts.scheduler.user = user;
        opts.events = events.get();
        host_ = std::make_unique<Host>(std::move(opts));
    }
    return *host_;
}

std::filesystem::path AppContext::home_dir() const {
    if (!home.empty()) return home;
    if (const char* h = std::getenv("PACKHOST_HOME"); h && *h) return h;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::filesystem::path(x) / "packhost";
    const char* user_home = std::getenv("HOME");
    return std::filesystem::path(user_home && *user_home ? user_home : "/tmp") / ".local" / "share" / "packhost";
}

std::filesystem::path AppContext::store_path() const {
    std::string file = settings.text("store.file");
    return file.empty() ? home_dir() / "packhost.db" : std::filesystem::path(file);
}

std::filesystem::path AppContext::key_path() const {
    std::string file = settings.text("secrets.key_file");
    return file.empty() ? home_dir() / "keys" / "packhost.key" : std::filesystem::path(file);
}

bool AppContext::shutdown() { return host_ && host_->shutdown() > 0; }

}  // namespace packhost::cli

#include "cli/app_context.hpp"

#include <cstdlib>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "packs/discovery.hpp"

namespace packhost::cli {
namespace {

// A positive number from a flag, else from the environment; 0 when neither says.
size_t setting_number(size_t flag, const char* env) {
    if (flag > 0) return flag;
    const char* v = std::getenv(env);
    if (!v || !*v) return 0;
    char* end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (*end != '\0' || n == 0) {
        throw core::ValidationError(std::string(env) + " must be a positive whole number, got '" + v + "'");
    }
    return static_cast<size_t>(n);
}

}  // namespace

Host& AppContext::host() {
    if (!host_) {
        HostOptions opts;
        std::string path = packs_path;
        if (path.empty()) {
            if (const char* env = std::getenv("PACKHOST_PACKS_PATH")) path = env;
        }
        opts.packs_path = path.empty() ? packs::default_search_path(executable) : packs::parse_search_path(path);
        opts.scheduler.workers = workers;
        opts.output_cap = output_cap;
        if (opts.output_cap == 0) {
            if (const char* c = std::getenv("PACKHOST_OUTPUT_CAP"); c && *c)
                opts.output_cap = std::strtoull(c, nullptr, 10);
        }
        if (size_t n = setting_number(workflow_max_tasks, "PACKHOST_WORKFLOW_MAX_TASKS")) {
            opts.scheduler.workflow_limits.max_tasks = n;
        }
        if (size_t mib = setting_number(workflow_max_state_mib, "PACKHOST_WORKFLOW_MAX_STATE")) {
            opts.scheduler.workflow_limits.max_state_bytes = mib << 20;
        }
        opts.store_file = store_path();
        opts.key_file = key_path();
        opts.configs_dir = home_dir() / "configs";
        opts.pack_index_file = home_dir() / "cache" / "pack-index";
        std::string keep = retention;
        if (keep.empty()) {
            if (const char* r = std::getenv("PACKHOST_RETENTION")) keep = r;
        }
        if (!keep.empty()) {
            auto secs = core::parse_duration_seconds(keep);
            if (!secs) throw core::ValidationError("retention '" + keep + "' is not a duration (e.g. 30d)");
            opts.retention = std::chrono::seconds(*secs);
        }
        if (const char* user = std::getenv("USER"); user && *user) opts.scheduler.user = user;
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

namespace {

std::filesystem::path setting(const std::string& flag, const char* env, const std::filesystem::path& fallback) {
    if (!flag.empty()) return flag;
    if (const char* v = std::getenv(env); v && *v) return v;
    return fallback;
}

}  // namespace

std::filesystem::path AppContext::store_path() const {
    return setting(store_file, "PACKHOST_STORE", home_dir() / "packhost.db");
}

std::filesystem::path AppContext::key_path() const {
    return setting(key_file, "PACKHOST_KEY_FILE", home_dir() / "keys" / "packhost.key");
}

bool AppContext::shutdown() { return host_ && host_->shutdown() > 0; }

}  // namespace packhost::cli

#include "cli/app_context.hpp"

#include <cstdlib>

#include "packs/discovery.hpp"

namespace packhost::cli {

Host& AppContext::host() {
    if (!host_) {
        HostOptions opts;
        std::string path = packs_path;
        if (path.empty()) {
            if (const char* env = std::getenv("PACKHOST_PACKS_PATH")) path = env;
        }
        opts.packs_path = path.empty() ? packs::default_search_path(executable) : packs::parse_search_path(path);
        opts.scheduler.workers = workers;
        if (const char* user = std::getenv("USER"); user && *user) opts.scheduler.user = user;
        host_ = std::make_unique<Host>(std::move(opts));
    }
    return *host_;
}

bool AppContext::shutdown() { return host_ && host_->shutdown() > 0; }

}  // namespace packhost::cli

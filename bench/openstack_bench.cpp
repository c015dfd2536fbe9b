// The openstack pack against a real Keystone (Debian's, started as the test
// suite starts it: tests/support/keystone.hpp): openstack.project_lookup by
// name with the cached token, run as an execution in a host like serve's
// (SQLite history on), against the same lookup with a fresh
// `openstack project show` process (python3-openstackclient), which is what
// StackStorm's openstack pack runs for each execution. Medians and the ratio.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <httplib.h>

#include "bench_support.hpp"
#include "host.hpp"
#include "packs/discovery.hpp"
#include "support/keystone.hpp"
#include "support/process.hpp"
#include "support/run_and_wait.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

}  // namespace

int main() {
    const std::string self = self_path();
    auto dir = std::filesystem::temp_directory_path() / ("packhost-openstack-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "configs");
    int failures = 0;
    std::vector<double> native, cli, raw;
    {
        packhost::testing::Keystone keystone(dir / "keystone");
        std::string id = keystone.call("POST", "/v3/projects",
                                       {{"project", {{"name", "story"}, {"domain_id", "default"}}}})["project"]["id"];
        std::ofstream(dir / "configs" / "openstack.yaml") << nlohmann::json{
            {"auth_url", keystone.url() + "/v3"},
            {"username", "admin"},
            {"password", packhost::testing::Keystone::kAdminPassword},
            {"project_name", "admin"}}.dump();
        packhost::HostOptions options;
        options.packs_path = packhost::packs::default_search_path(self);
        options.configs_dir = dir / "configs";
        options.store_file = dir / "packhost.db";
        packhost::Host host(options);
        auto lookup = [&] {
            auto a = clock_type::now();
            auto e = packhost::testing::run_and_wait(host, "openstack.project_lookup", {{"project", "story"}});
            double ms = std::chrono::duration<double, std::milli>(clock_type::now() - a).count();
            if (e->status() != packhost::executions::Status::succeeded || e->result().value("id", "") != id) {
                if (!failures++) std::fprintf(stderr, "project_lookup: %s\n", e->result().dump().c_str());
            }
            return ms;
        };
        for (int i = 0; i < 20; ++i) lookup();  // the token, connections, caches
        for (int i = 0; i < 300; ++i) native.push_back(lookup());
        host.shutdown();

        // The floor: Keystone's own answer to the one call the lookup makes.
        std::string token = keystone.admin_token().first;
        httplib::Client c(keystone.url());
        c.set_keep_alive(true);
        for (int i = 0; i < 120; ++i) {
            auto a = clock_type::now();
            auto r = c.Get("/v3/projects?name=story", {{"X-Auth-Token", token}});
            if (!r || r->status != 200) ++failures;
            if (i >= 20) raw.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - a).count());
        }

        std::map<std::string, std::string> env{{"OS_AUTH_URL", keystone.url() + "/v3"},
                                               {"OS_USERNAME", "admin"},
                                               {"OS_PASSWORD", packhost::testing::Keystone::kAdminPassword},
                                               {"OS_PROJECT_NAME", "admin"},
                                               {"OS_USER_DOMAIN_NAME", "Default"},
                                               {"OS_PROJECT_DOMAIN_NAME", "Default"},
                                               {"OS_IDENTITY_API_VERSION", "3"}};
        for (int i = 0; i < 11; ++i) {
            auto a = clock_type::now();
            auto r =
                packhost::testing::run_process({"/usr/bin/openstack", "project", "show", "story", "-f", "json"}, env);
            double ms = std::chrono::duration<double, std::milli>(clock_type::now() - a).count();
            if (r.exit_code != 0 || r.out.find(id) == std::string::npos) {
                if (!failures++) std::fprintf(stderr, "openstack project show: %s%s\n", r.out.c_str(), r.err.c_str());
            }
            if (i > 0) cli.push_back(ms);  // the first warms the page cache
        }
    }
    std::filesystem::remove_all(dir);
    double a = median(native), b = median(cli);
    std::printf("== openstack: a project's ID from its name, against a real Keystone on 127.0.0.1\n");
    std::printf("%-58s median %9.3f ms\n", "openstack.project_lookup (native, cached token)", a);
    std::printf("%-58s median %9.3f ms\n", "  Keystone alone: GET /v3/projects?name= (kept-alive HTTP)", median(raw));
    std::printf("%-58s median %9.3f ms\n", "openstack project show (a fresh CLI process each)", b);
    std::printf("%-58s %9.0fx\n", "ratio", b / a);
    return failures ? 1 : 0;
}

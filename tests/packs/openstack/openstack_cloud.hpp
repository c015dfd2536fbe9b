#pragma once
// The cloud the openstack pack's tests share: one real Keystone (Debian's,
// tests/support/keystone.hpp) with the fake Nova in its catalog, set up on
// first use and stopped after the last test of the binary, and a fixture
// giving each test a host with the bundled packs and a configuration of its
// own. Projects: "story" (three servers, one deleted), "dup" in two domains;
// the admin project has two servers, one of a private flavor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "host.hpp"
#include "packs/openstack/fake_nova.hpp"
#include "support/keystone.hpp"
#include "support/run_and_wait.hpp"
#include "support/temp_dir.hpp"

namespace packhost::testing {

struct Cloud {
    TempDir dir{"packhost-openstack"};
    FakeNova nova;
    // Nova is registered in the real Keystone's catalog: the pack finds it
    // the way it would in production. Tokens last 66 s, which the pack
    // treats as expired 6 s after their issue (a minute of margin).
    static constexpr int kTokenSeconds = 66;
    Keystone keystone{dir.path() / "keystone", {{"compute", "nova", nova.url()}}, kTokenSeconds};
    std::string story_id, dup_default, dup_other, admin_project;

    Cloud() {
        nova.set_keystone(keystone.url());
        auto& ks = keystone;
        std::string other = ks.call("POST", "/v3/domains", {{"domain", {{"name", "other"}}}})["domain"]["id"];
        story_id = ks.call(
            "POST", "/v3/projects",
            {{"project",
              {{"name", "story"}, {"domain_id", "default"}, {"description", "the story's project"}}}})["project"]["id"];
        dup_default = ks.call("POST", "/v3/projects",
                              {{"project", {{"name", "dup"}, {"domain_id", "default"}}}})["project"]["id"];
        dup_other =
            ks.call("POST", "/v3/projects", {{"project", {{"name", "dup"}, {"domain_id", other}}}})["project"]["id"];
        admin_project = ks.admin_token().second["project"]["id"];
        nova.add_flavor({{"id", "1"}, {"name", "m1.small"}, {"vcpus", 1}, {"ram", 2048}, {"disk", 20}});
        nova.add_flavor({{"id", "2"}, {"name", "m1.large"}, {"vcpus", 4}, {"ram", 8192}, {"disk", 80}});
        nova.add_flavor({{"id", "3"},
                         {"name", "ops.private"},
                         {"vcpus", 2},
                         {"ram", 4096},
                         {"disk", 40},
                         {"os-flavor-access:is_public", false}});
        nova.add_server({{"id", "d1"},
                         {"name", "old"},
                         {"status", "DELETED"},
                         {"tenant_id", story_id},
                         {"flavor_id", "2"},
                         {"created", "2026-10-25T00:00:00"},
                         {"deleted_at", "2026-11-02T12:00:00"}});
        for (int i = 1; i <= 3; ++i) {
            nova.add_server({{"id", "s" + std::to_string(i)},
                             {"name", "web" + std::to_string(i)},
                             {"status", "ACTIVE"},
                             {"tenant_id", story_id},
                             {"flavor_id", "1"},
                             {"created", "2026-11-01T00:00:00Z"}});
        }
        nova.add_server({{"id", "a1"},
                         {"name", "ops"},
                         {"status", "SHUTOFF"},
                         {"tenant_id", admin_project},
                         {"flavor_id", "2"},
                         {"created", "2026-11-02T00:00:00Z"}});
        nova.add_server({{"id", "a2"},
                         {"name", "vault"},
                         {"status", "ACTIVE"},
                         {"tenant_id", admin_project},
                         {"flavor_id", "3"},
                         {"created", "2026-11-03T00:00:00Z"}});
    }
};

// Made on first use; stopped when the binary's tests are done.
inline Cloud& cloud() {
    static std::unique_ptr<Cloud> the;
    struct Stop : ::testing::Environment {
        std::unique_ptr<Cloud>* c;
        explicit Stop(std::unique_ptr<Cloud>* cp) : c(cp) {}
        void TearDown() override { c->reset(); }
    };
    if (!the) {
        the = std::make_unique<Cloud>();
        ::testing::AddGlobalTestEnvironment(new Stop(&the));
    }
    return *the;
}

class OpenStackCloud : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto& c = cloud();
        dir_ = &c.dir;
        nova_ = &c.nova;
        keystone_ = &c.keystone;
        story_id_ = c.story_id;
        dup_default_ = c.dup_default;
        dup_other_ = c.dup_other;
    }

    // A configs folder with `config` as openstack.yaml.
    static std::filesystem::path configs_with(const nlohmann::json& config) {
        auto configs = dir_->path() / ("configs-" + std::to_string(++configs_));
        std::filesystem::create_directories(configs);
        std::ofstream(configs / "openstack.yaml") << config.dump();  // JSON is YAML
        return configs;
    }
    // A host with the bundled packs and `config` as configs/openstack.yaml.
    static std::unique_ptr<Host> host_with(const nlohmann::json& config) {
        HostOptions o;
        o.packs_path = {BUNDLED_PACKS_DIR};
        o.configs_dir = configs_with(config);
        return std::make_unique<Host>(o);
    }
    static nlohmann::json admin_config() {
        return {{"auth_url", keystone_->url() + "/v3"},
                {"username", "admin"},
                {"password", Keystone::kAdminPassword},
                {"project_name", "admin"}};
    }
    static std::shared_ptr<executions::Execution> run(Host& host, const std::string& ref,
                                                      nlohmann::json params = nlohmann::json::object()) {
        return run_and_wait(host, ref, std::move(params));
    }
    static std::string error_of(const std::shared_ptr<executions::Execution>& e) {
        return e->result().value("error", std::string());
    }

    static inline TempDir* dir_ = nullptr;
    static inline Keystone* keystone_ = nullptr;
    static inline FakeNova* nova_ = nullptr;
    static inline std::string story_id_, dup_default_, dup_other_;
    static inline int configs_ = 0;
};

}  // namespace packhost::testing

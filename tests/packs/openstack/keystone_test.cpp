// The openstack pack against a real Keystone (tests/support/keystone.hpp):
// password and application-credential auth, the token kept and issued again
// after a revocation, projects by name and by ID, a name in two domains, a
// missing one, a wrong password, an unreachable Keystone, a configuration
// from the OS_* environment. The pack runs in a real host, loaded from the
// build like any pack. The cloud: packs/openstack/openstack_cloud.hpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "host.hpp"
#include "packs/openstack/openstack_cloud.hpp"

using namespace packhost;
using executions::Status;
using json = nlohmann::json;

using OpenStackKeystone = packhost::testing::OpenStackCloud;

TEST_F(OpenStackKeystone, APasswordTokenIsIssuedOnceAndReused) {
    auto host = host_with(admin_config());
    auto first = run(*host, "openstack.token_issue");
    ASSERT_EQ(first->status(), Status::succeeded) << first->result().dump();
    auto again = run(*host, "openstack.token_issue");
    EXPECT_EQ(again->result()["id"], first->result()["id"]) << "the cached token is used";
    auto fresh = run(*host, "openstack.token_issue", {{"fresh", true}});
    EXPECT_NE(fresh->result()["id"], first->result()["id"]);
    auto admin = keystone_->admin_token().second;
    EXPECT_EQ(first->result()["project_id"], admin["project"]["id"]);
    EXPECT_EQ(first->result()["user_id"], admin["user"]["id"]);
}

TEST_F(OpenStackKeystone, ATokenAboutToExpireIsIssuedAgain) {
    auto host = host_with(admin_config());
    auto first = run(*host, "openstack.token_issue", {{"fresh", true}});
    ASSERT_EQ(first->status(), Status::succeeded) << first->result().dump();
    // Within a minute of its expires_at the token is no longer used.
    std::this_thread::sleep_for(std::chrono::seconds(packhost::testing::Cloud::kTokenSeconds - 60) +
                                std::chrono::milliseconds(500));
    auto later = run(*host, "openstack.token_issue");
    ASSERT_EQ(later->status(), Status::succeeded) << later->result().dump();
    EXPECT_NE(later->result()["id"], first->result()["id"]);
    EXPECT_GT(later->result()["expires"].get<std::string>(), first->result()["expires"].get<std::string>());
}

TEST_F(OpenStackKeystone, AnApplicationCredentialAuthenticates) {
    auto admin = keystone_->admin_token().second;
    std::string user = admin["user"]["id"];
    auto made = keystone_->call("POST", "/v3/users/" + user + "/application_credentials",
                                {{"application_credential", {{"name", "packhost-test"}}}})["application_credential"];
    auto host = host_with({{"auth_url", keystone_->url()},
                           {"application_credential_id", made["id"]},
                           {"application_credential_secret", made["secret"]}});
    auto t = run(*host, "openstack.token_issue");
    ASSERT_EQ(t->status(), Status::succeeded) << t->result().dump();
    EXPECT_EQ(t->result()["project_id"], admin["project"]["id"]);
    auto looked = run(*host, "openstack.project_lookup", {{"project", "story"}});
    EXPECT_EQ(looked->result()["id"], story_id_) << looked->result().dump();

    auto wrong = host_with({{"auth_url", keystone_->url()},
                            {"application_credential_id", made["id"]},
                            {"application_credential_secret", "not-it"}});
    auto refused = run(*wrong, "openstack.token_issue");
    EXPECT_EQ(refused->status(), Status::failed);
    EXPECT_NE(error_of(refused).find("Keystone refused the credentials of application credential"), std::string::npos)
        << error_of(refused);
}

TEST_F(OpenStackKeystone, ARevokedTokenIsIssuedAgainOnce) {
    auto host = host_with(admin_config());
    std::string before = run(*host, "openstack.token_issue")->result()["id"];
    keystone_->revoke(before);
    auto looked = run(*host, "openstack.project_lookup", {{"project", "story"}});
    ASSERT_EQ(looked->status(), Status::succeeded) << looked->result().dump();
    std::string after = run(*host, "openstack.token_issue")->result()["id"];
    EXPECT_NE(after, before);
}

TEST_F(OpenStackKeystone, ProjectsAreFoundByNameOrIdAndAmbiguityIsNamed) {
    auto host = host_with(admin_config());
    auto by_name = run(*host, "openstack.project_lookup", {{"project", "story"}});
    ASSERT_EQ(by_name->status(), Status::succeeded) << by_name->result().dump();
    EXPECT_EQ(by_name->result(), (json{{"id", story_id_},
                                       {"name", "story"},
                                       {"domain_id", "default"},
                                       {"enabled", true},
                                       {"description", "the story's project"}}));
    auto by_id = run(*host, "openstack.project_lookup", {{"project", story_id_}});
    EXPECT_EQ(by_id->result()["name"], "story");

    auto dup = run(*host, "openstack.project_lookup", {{"project", "dup"}});
    EXPECT_EQ(dup->status(), Status::failed);
    EXPECT_NE(error_of(dup).find("project name 'dup' is in 2 domains"), std::string::npos) << error_of(dup);
    EXPECT_NE(error_of(dup).find(dup_default_ + " (domain default)"), std::string::npos) << error_of(dup);
    EXPECT_NE(error_of(dup).find(dup_other_), std::string::npos) << error_of(dup);
    auto in_domain = run(*host, "openstack.project_lookup", {{"project", "dup"}, {"domain", "default"}});
    EXPECT_EQ(in_domain->result()["id"], dup_default_) << in_domain->result().dump();

    auto missing = run(*host, "openstack.project_lookup", {{"project", "nope"}});
    EXPECT_EQ(missing->status(), Status::failed);
    EXPECT_EQ(error_of(missing), "no project named or with ID 'nope'");

    auto list = run(*host, "openstack.project_list");
    ASSERT_EQ(list->status(), Status::succeeded) << list->result().dump();
    size_t dups = 0;
    bool story = false;
    json listed = list->result();
    for (const auto& p : listed["projects"]) {
        dups += p["name"] == "dup";
        story = story || p["id"] == story_id_;
    }
    EXPECT_EQ(dups, 2u) << list->result().dump();
    EXPECT_TRUE(story);
}

TEST_F(OpenStackKeystone, AWrongPasswordOrAnUnknownProjectIsSaidClearly) {
    json config = admin_config();
    config["password"] = "wrong";
    auto host = host_with(config);
    auto e = run(*host, "openstack.project_lookup", {{"project", "story"}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_NE(error_of(e).find("Keystone refused the credentials of user 'admin' (domain Default) for project "
                               "'admin' (domain Default)"),
              std::string::npos)
        << error_of(e);
    config = admin_config();
    config["project_name"] = "no-such-project";
    auto unknown = run(*host_with(config), "openstack.token_issue");
    EXPECT_EQ(unknown->status(), Status::failed);
    EXPECT_NE(error_of(unknown).find("for project 'no-such-project'"), std::string::npos) << error_of(unknown);
}

TEST_F(OpenStackKeystone, AnUnreachableKeystoneOrAMissingSettingIsSaidClearly) {
    json config = admin_config();
    config["auth_url"] = "http://127.0.0.1:1/v3";
    auto e = run(*host_with(config), "openstack.token_issue");
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_NE(error_of(e).find("Keystone: POST http://127.0.0.1:1/v3/auth/tokens: cannot connect"), std::string::npos)
        << error_of(e);
    ::unsetenv("OS_AUTH_URL");
    auto none = run(*host_with(json::object()), "openstack.token_issue");
    EXPECT_EQ(none->status(), Status::failed);
    EXPECT_EQ(error_of(none), "openstack config: auth_url: not set (the pack's config or OS_AUTH_URL)");
}

TEST_F(OpenStackKeystone, TheOsEnvironmentFillsWhatTheConfigLeavesOut) {
    ::setenv("OS_AUTH_URL", keystone_->url().c_str(), 1);
    ::setenv("OS_USERNAME", "admin", 1);
    ::setenv("OS_PASSWORD", packhost::testing::Keystone::kAdminPassword, 1);
    ::setenv("OS_PROJECT_NAME", "admin", 1);
    auto e = run(*host_with(json::object()), "openstack.project_lookup", {{"project", "story"}});
    for (const char* v : {"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"}) ::unsetenv(v);
    ASSERT_EQ(e->status(), Status::succeeded) << e->result().dump();
    EXPECT_EQ(e->result()["id"], story_id_);
}

TEST_F(OpenStackKeystone, ServersAndFlavorsComeFromTheComputeEndpointInTheCatalog) {
    auto host = host_with(admin_config());
    auto own = run(*host, "openstack.server_list");
    ASSERT_EQ(own->status(), Status::succeeded) << own->result().dump();
    json own_servers = own->result()["servers"];
    ASSERT_EQ(own_servers.size(), 2u) << own->result().dump();
    EXPECT_EQ(own_servers[1]["flavor"], "ops.private") << "private flavors are named too (admin)";
    EXPECT_EQ(own_servers[0], (json{{"id", "a1"},
                                    {"name", "ops"},
                                    {"status", "SHUTOFF"},
                                    {"project_id", keystone_->admin_token().second["project"]["id"]},
                                    {"flavor", "m1.large"},
                                    {"flavor_id", "2"},
                                    {"created", "2026-11-02T00:00:00Z"}}));
    // Three servers in pages of two: the next link is followed.
    auto story = run(*host, "openstack.server_list", {{"project", story_id_}});
    json story_servers = story->result()["servers"];
    ASSERT_EQ(story_servers.size(), 3u) << story->result().dump();
    EXPECT_EQ(story_servers[2]["name"], "web3");
    auto all = run(*host, "openstack.server_list", {{"all_projects", true}});
    EXPECT_EQ(all->result()["servers"].size(), 5u) << all->result().dump();

    auto flavors = run(*host, "openstack.flavor_list");
    ASSERT_EQ(flavors->status(), Status::succeeded) << flavors->result().dump();
    EXPECT_EQ(flavors->result()["flavors"][1],
              (json{{"id", "2"}, {"name", "m1.large"}, {"vcpus", 4}, {"ram_mb", 8192}, {"disk_gb", 80}}));
    EXPECT_EQ(flavors->result()["flavors"].size(), 2u) << "public ones by default";
    auto with_private = run(*host, "openstack.flavor_list", {{"private", true}});
    EXPECT_EQ(with_private->result()["flavors"].size(), 3u) << with_private->result().dump();
}

TEST_F(OpenStackKeystone, AnEndpointMissingFromTheCatalogIsNamed) {
    json config = admin_config();
    config["region_name"] = "Elsewhere";
    auto e = run(*host_with(config), "openstack.server_list");
    EXPECT_EQ(e->status(), Status::failed) << e->result().dump();
    EXPECT_EQ(error_of(e),
              "the service catalog has 'compute' but no public endpoint in region Elsewhere (regions: RegionOne)");
}

TEST_F(OpenStackKeystone, AProjectsUsageCombinesNovasReportWithItsServersAndFlavors) {
    auto host = host_with(admin_config());
    // Ten days; three small servers all along and a large one deleted after
    // 36 hours of them. Nova's four server usages come in two pages.
    int before = nova_->usage_requests();
    auto e = run(*host, "openstack.project_usage",
                 {{"project_id", story_id_}, {"start", "2026-11-01"}, {"end", "2026-11-11T00:00:00Z"}});
    ASSERT_EQ(e->status(), Status::succeeded) << e->result().dump();
    EXPECT_EQ(nova_->usage_requests() - before, 2);
    json r = e->result();
    EXPECT_EQ(r["project_id"], story_id_);
    EXPECT_EQ(r["period"], (json{{"start", "2026-11-01T00:00:00"}, {"end", "2026-11-11T00:00:00"}, {"days", 10.0}}));
    EXPECT_EQ(r["instances"], 3);
    EXPECT_EQ(r["vcpus"], 3);
    EXPECT_EQ(r["ram_mb"], 3 * 2048);
    EXPECT_EQ(r["disk_gb"], 3 * 20);
    EXPECT_EQ(r["hours"], 3 * 240 + 36);
    EXPECT_EQ(r["vcpu_hours"], 3 * 240 * 1 + 36 * 4);
    EXPECT_EQ(r["ram_mb_hours"], 3 * 240 * 2048 + 36 * 8192);
    EXPECT_EQ(r["disk_gb_hours"], 3 * 240 * 20 + 36 * 80);
    ASSERT_EQ(r["servers"].size(), 4u) << r.dump();
    EXPECT_EQ(r["servers"][0], (json{{"id", "d1"},
                                     {"name", "old"},
                                     {"status", "DELETED"},
                                     {"flavor", "m1.large"},
                                     {"vcpus", 4},
                                     {"ram_mb", 8192},
                                     {"disk_gb", 80},
                                     {"hours", 36.0},
                                     {"started_at", "2026-10-25T00:00:00"},
                                     {"ended_at", "2026-11-02T12:00:00"}}));
    EXPECT_EQ(r["servers"][1], (json{{"id", "s1"},
                                     {"name", "web1"},
                                     {"status", "ACTIVE"},
                                     {"flavor", "m1.small"},
                                     {"vcpus", 1},
                                     {"ram_mb", 2048},
                                     {"disk_gb", 20},
                                     {"hours", 240.0},
                                     {"started_at", "2026-11-01T00:00:00Z"},
                                     {"ended_at", nullptr}}));

    // A Nova before 2.40 (Newton) refuses the microversion: asked again
    // without it, it answers the whole report at once.
    nova_->set_max_microversion(25);
    before = nova_->usage_requests();
    auto old_nova = run(*host, "openstack.project_usage",
                        {{"project_id", story_id_}, {"start", "2026-11-01"}, {"end", "2026-11-11T00:00:00Z"}});
    nova_->set_max_microversion(96);
    ASSERT_EQ(old_nova->status(), Status::succeeded) << old_nova->result().dump();
    EXPECT_EQ(nova_->usage_requests() - before, 2) << "406, then one unpaged answer";
    EXPECT_EQ(old_nova->result(), r);

    // By default the last `days` up to now.
    auto recent = run(*host, "openstack.project_usage", {{"project_id", story_id_}, {"days", 7}});
    ASSERT_EQ(recent->status(), Status::succeeded) << recent->result().dump();
    EXPECT_EQ(recent->result()["period"]["days"], 7.0);
    EXPECT_EQ(recent->result()["instances"], 3);

    auto bad = run(*host, "openstack.project_usage", {{"project_id", story_id_}, {"start", "last week"}});
    EXPECT_EQ(bad->status(), Status::failed);
    EXPECT_EQ(error_of(bad), "start: 'last week' is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SS)");
    auto backwards = run(*host, "openstack.project_usage",
                         {{"project_id", story_id_}, {"start", "2026-11-02"}, {"end", "2026-11-01"}});
    EXPECT_EQ(error_of(backwards), "start: 2026-11-02T00:00:00 is not before end 2026-11-01T00:00:00");
    auto zone =
        run(*host, "openstack.project_usage", {{"project_id", story_id_}, {"end", "2026-11-01T10:00:00+02:00"}});
    EXPECT_EQ(error_of(zone), "end: '2026-11-01T10:00:00+02:00' is not in UTC (end it with Z or nothing)");
}

TEST_F(OpenStackKeystone, ACloudOfCloudsYamlIsReadWithItsSecureYaml) {
    auto dir = dir_->path() / "os-client-config";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "clouds.yaml") << "clouds:\n"
                                          "  lab:\n"
                                          "    auth:\n"
                                          "      auth_url: "
                                       << keystone_->url()
                                       << "/v3\n"
                                          "      username: admin\n"
                                          "      project_name: admin\n"
                                          "      user_domain_id: default\n"
                                          "      project_domain_id: default\n"
                                          "    region_name: RegionOne\n"
                                          "    interface: public\n"
                                          "    verify: false\n"
                                          "    api_timeout: 10\n"
                                          "  other:\n"
                                          "    auth: {auth_url: 'http://127.0.0.1:1'}\n";
    // The password apart, as openstacksdk's secure.yaml keeps it.
    std::ofstream(dir / "secure.yaml") << "clouds:\n  lab:\n    auth:\n      password: "
                                       << packhost::testing::Keystone::kAdminPassword << "\n";
    ::setenv("OS_CLIENT_CONFIG_FILE", (dir / "clouds.yaml").c_str(), 1);
    ::setenv("OS_CLIENT_SECURE_FILE", (dir / "secure.yaml").c_str(), 1);
    auto by_config = run(*host_with({{"cloud", "lab"}}), "openstack.project_lookup", {{"project", "story"}});
    ::setenv("OS_CLOUD", "lab", 1);
    auto by_env = run(*host_with(json::object()), "openstack.token_issue");
    // What the pack's config sets wins over the cloud's.
    auto overridden = run(*host_with({{"project_name", "no-such-project"}}), "openstack.token_issue");
    auto unknown = run(*host_with({{"cloud", "nope"}}), "openstack.token_issue");
    for (const char* v : {"OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE", "OS_CLOUD"}) ::unsetenv(v);

    ASSERT_EQ(by_config->status(), Status::succeeded) << by_config->result().dump();
    EXPECT_EQ(by_config->result()["id"], story_id_);
    ASSERT_EQ(by_env->status(), Status::succeeded) << by_env->result().dump();
    EXPECT_EQ(by_env->result()["project_id"], keystone_->admin_token().second["project"]["id"]);
    EXPECT_EQ(overridden->status(), Status::failed);
    EXPECT_NE(error_of(overridden).find("for project 'no-such-project' (domain default)"), std::string::npos)
        << error_of(overridden);
    EXPECT_EQ(error_of(unknown), "openstack config: cloud: no cloud 'nope' in " + (dir / "clouds.yaml").string() +
                                     " (it has: lab, other)");
}

TEST_F(OpenStackKeystone, AUserWhoMayNotListProjectsFindsItsOwn) {
    // A member of story only: Keystone refuses it GET /v3/projects (403).
    std::string user = keystone_->call(
        "POST", "/v3/users",
        {{"user", {{"name", "story-member"}, {"password", "member-pw"}, {"domain_id", "default"}}}})["user"]["id"];
    std::string member = keystone_->call("GET", "/v3/roles?name=member")["roles"][0]["id"];
    keystone_->call("PUT", "/v3/projects/" + story_id_ + "/users/" + user + "/roles/" + member);
    auto host = host_with({{"auth_url", keystone_->url()},
                           {"username", "story-member"},
                           {"password", "member-pw"},
                           {"project_name", "story"}});
    auto by_name = run(*host, "openstack.project_lookup", {{"project", "story"}});
    ASSERT_EQ(by_name->status(), Status::succeeded) << by_name->result().dump();
    EXPECT_EQ(by_name->result()["id"], story_id_);
    auto by_id = run(*host, "openstack.project_lookup", {{"project", story_id_}});
    EXPECT_EQ(by_id->result()["name"], "story") << by_id->result().dump();
    auto other = run(*host, "openstack.project_lookup", {{"project", "dup"}});
    EXPECT_EQ(error_of(other), "no project named or with ID 'dup'");
    auto list = run(*host, "openstack.project_list");
    ASSERT_EQ(list->status(), Status::succeeded) << list->result().dump();
    ASSERT_EQ(list->result()["projects"].size(), 1u) << list->result().dump();
    EXPECT_EQ(list->result()["projects"][0]["id"], story_id_);
    // Its own project's usage, from Nova as a member may ask it.
    auto usage = run(*host, "openstack.project_usage", {{"project_id", story_id_}});
    ASSERT_EQ(usage->status(), Status::succeeded) << usage->result().dump();
    EXPECT_EQ(usage->result()["instances"], 3);
    // Another project's usage is Nova's to refuse (its policy), and said so.
    auto others = run(*host, "openstack.project_usage", {{"project_id", dup_default_}});
    EXPECT_EQ(others->status(), Status::failed);
    EXPECT_NE(error_of(others).find(": 403 Policy doesn't allow os_compute_api:os-simple-tenant-usage:show"),
              std::string::npos)
        << error_of(others);
}

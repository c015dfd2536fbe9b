// Loading the fixture packs: each broken pack is refused with a precise
// reason, and in the same run the good packs load and serve executions.
#include "packs/catalog.hpp"

#include <gtest/gtest.h>

#include <map>

#include "host.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

std::map<std::string, std::string> refusals(const packs::Catalog& c) {
    std::map<std::string, std::string> out;
    for (const auto& r : c.refused()) out[r.dir.filename().string()] = r.reason;
    return out;
}

std::string fixture(const std::string& name) { return (fs::path(FIXTURE_PACKS_DIR) / name).string(); }

HostOptions options(packs::AbiVersion abi = {}) {
    HostOptions o;
    o.packs_path = {FIXTURE_PACKS_DIR};
    o.abi = abi;
    o.scheduler.workers = 2;
    return o;
}

}  // namespace

TEST(Catalog, RefusesEachBrokenPackWithItsReason) {
    Host host(options());
    auto r = refusals(host.catalog());
    const std::string so = "/lib";
    EXPECT_EQ(r["abi_major"], fixture("abi_major") + so +
                                  "abi_major.so: built for packhost ABI 2.0, but this host speaks ABI " PH_ABI_VERSION
                                  " "
                                  "(the major version must match; rebuild the pack against this SDK)");
    EXPECT_EQ(r["abi_major_manifest"],
              fixture("abi_major_manifest") +
                  "/manifest.json: built for packhost ABI 2.0, but this host speaks ABI " PH_ABI_VERSION
                  " "
                  "(the major version must match; rebuild the pack against this SDK)");
    EXPECT_EQ(r["abi_newer_minor"], fixture("abi_newer_minor") + so + "abi_newer_minor.so: built for packhost ABI 1." +
                                        std::to_string(PH_ABI_MINOR + 1) +
                                        ", newer than this host's ABI " PH_ABI_VERSION
                                        " "
                                        "(upgrade packhost or rebuild the pack against an older SDK)");
    EXPECT_EQ(r["no_entry"], fixture("no_entry") + so +
                                 "no_entry.so: does not export packhost_pack_entry_v1 (build it with "
                                 "packhost_add_pack and PACKHOST_PACK)");
    EXPECT_EQ(r["entry_fails"], fixture("entry_fails") + so +
                                    "entry_fails.so: entry point failed (code 1): cannot reach the license server");
    EXPECT_EQ(r["dup_actions"], fixture("dup_actions") + so + "dup_actions.so: duplicate action name 'twice'");
    EXPECT_EQ(r["wrong_version"], fixture("wrong_version") + so + "wrong_version.so: library has version 1.0.0 but " +
                                      fixture("wrong_version") + "/pack.yaml has version 2.0.0");
    EXPECT_EQ(r["bad_missing_field"], fixture("bad_missing_field") + "/pack.yaml: required field 'author' is missing");
    EXPECT_EQ(r["bad_semver"],
              fixture("bad_semver") + "/pack.yaml: version \"1.0\" is not semver (MAJOR.MINOR.PATCH, e.g. \"1.0.0\")");
    EXPECT_EQ(r["bad_ref"], fixture("bad_ref") + "/pack.yaml: ref \"Bad-Ref\" must match ^[a-z0-9_]+$");
    EXPECT_EQ(r["bad_yaml"].rfind(fixture("bad_yaml") + "/pack.yaml: invalid YAML at line", 0), 0u) << r["bad_yaml"];
    // A workflow definition is checked when its pack loads: every problem of every file, each with its line.
    EXPECT_EQ(r["bad_workflow"],
              fixture("bad_workflow") +
                  "/actions/workflows/broken.yaml:4: task 'first': bad expression \"core.echo message=<% ctx(.x %>\": "
                  "YAQL grammar error: unexpected '.' in <% ctx(.x %>\n" +
                  fixture("bad_workflow") +
                  "/actions/workflows/broken.yaml:6: task 'first': do names 'nowhere', which is "
                  "neither a task nor a command (continue, fail, noop, retry)\n" +
                  // and the problems of its other workflow: every file's, not only the first's
                  fixture("bad_workflow") +
                  "/actions/workflows/unknown_task.yaml:6: task 'only': do names 'elsewhere', which is "
                  "neither a task nor a command (continue, fail, noop, retry)");
    EXPECT_EQ(r.size(), 15u);  // and bad_runner, missing_entry, bad_override: see the runner tests

    // The rest loaded, and work in the same run.
    std::vector<std::string> loaded;
    for (const auto& p : host.catalog().loaded()) loaded.push_back(p->metadata.ref);
    EXPECT_EQ(loaded, (std::vector<std::string>{"abi_older_minor", "bad_json", "chat", "flows", "good", "projects",
                                                "scripts", "sensors"}));
    auto e = host.scheduler().submit({"good.hello", {{"name", "world"}}});
    e->wait();
    EXPECT_EQ(e->status(), executions::Status::succeeded);
    EXPECT_EQ(e->result(), (packhost::Json{{"greeting", "hello world"}}));
}

TEST(Catalog, AnOlderMinorIsAccepted) {
    // A host at ABI 1.2 runs a pack built for 1.0 (and still refuses 2.0).
    Host host(options({1, 2}));
    auto r = refusals(host.catalog());
    EXPECT_EQ(r.count("abi_older_minor"), 0u);
    EXPECT_EQ(r.count("abi_newer_minor"), 0u) << "1.1 <= 1.2";
    EXPECT_EQ(r.count("abi_major"), 1u);
    auto e = host.scheduler().submit({"abi_older_minor.ping"});
    e->wait();
    EXPECT_EQ(e->status(), executions::Status::succeeded);
    EXPECT_EQ(e->result(), (packhost::Json{{"ok", true}}));
}

TEST(Catalog, AbiGate) {
    using packs::abi_refusal;
    EXPECT_FALSE(abi_refusal({1, 0}, {1, 0}));
    EXPECT_FALSE(abi_refusal({1, 3}, {1, 1}));
    EXPECT_TRUE(abi_refusal({1, 0}, {1, 1}));
    EXPECT_TRUE(abi_refusal({1, 5}, {2, 0}));
    EXPECT_TRUE(abi_refusal({2, 0}, {1, 0}));
}

TEST(Catalog, FirstPackOnTheSearchPathWins) {
    HostOptions o = options();
    o.packs_path = {FIXTURE_PACKS_DIR, FIXTURE_PACKS_DIR};
    Host host(o);
    int shadowed = 0;
    for (const auto& r : host.catalog().refused()) {
        if (r.reason.find("is shadowed by") != std::string::npos) ++shadowed;
    }
    // Every pack that got past pack.yaml and its library the first time: the
    // eight that load and the four refused later for their action metadata.
    EXPECT_EQ(shadowed, 12);
    EXPECT_NE(host.catalog().find("good"), nullptr);
}

TEST(Catalog, CopiesDescriptors) {
    Host host(options());
    const auto* good = host.catalog().find("good");
    ASSERT_NE(good, nullptr);
    ASSERT_TRUE(good->native.has_value());
    EXPECT_EQ(good->native->sdk_version, "packhost-sdk " PH_ABI_VERSION ".0");
    EXPECT_NE(good->native->build_info.find("cxx11abi=1"), std::string::npos);
    ASSERT_EQ(good->native->trigger_types.size(), 1u);
    EXPECT_EQ(good->native->trigger_types[0].name, "event");
    EXPECT_EQ(host.registry().list(std::string("good")).size(), 16u);
}

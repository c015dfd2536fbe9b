// Packs written on the fly for what a pack author (or an attacker) might
// ship: entry points that point outside the pack, files past the size cap,
// YAML nested past the parser's limit, a library under the wrong name, a
// site configuration with several mistakes. Each is refused or reported,
// naming the file and the field; nothing outside the pack is read or run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "host.hpp"
#include "support/run_and_wait.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

class PackFiles : public ::testing::Test {
protected:
    void SetUp() override { fs::create_directories(root_ / "packs"); }

    fs::path pack(const std::string& ref) {
        fs::path dir = root_ / "packs" / ref;
        fs::create_directories(dir / "actions");
        write(dir / "pack.yaml", "ref: " + ref + "\nname: " + ref + "\ndescription: d\nversion: 1.0.0\nauthor: a\n");
        return dir;
    }
    static void write(const fs::path& file, const std::string& text) {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }
    std::unique_ptr<Host> host(const fs::path& configs = {}) {
        HostOptions o;
        o.packs_path = {root_ / "packs", BUNDLED_PACKS_DIR};
        o.configs_dir = configs;
        o.scheduler.workers = 1;
        return std::make_unique<Host>(o);
    }
    static std::map<std::string, std::string> refusals(const Host& h) {
        std::map<std::string, std::string> out;
        for (const auto& r : h.catalog().refused()) out[r.dir.filename().string()] = r.reason;
        return out;
    }
    static bool warned(const Host& h, const std::string& text) {
        for (const auto& w : h.catalog().warnings()) {
            if (w.find(text) != std::string::npos) return true;
        }
        return false;
    }

    packhost::testing::TempDir dir_{"packhost-packfiles"};
    const fs::path& root_ = dir_.path();
};

}  // namespace

TEST_F(PackFiles, EntryPointsMustStayInsideThePack) {
    auto shell = [&](const std::string& ref, const std::string& entry) {
        write(pack(ref) / "actions" / "x.yaml",
              "name: x\nrunner_type: local-shell-script\nentry_point: " + entry + "\n");
    };
    shell("absolute", "/bin/sh");
    shell("dotdot", "../../../../../../../../bin/sh");
    shell("symlinked", "evil.sh");
    fs::create_symlink("/bin/sh", root_ / "packs" / "symlinked" / "actions" / "evil.sh");
    // A workflow whose definition is a file outside the pack: never read.
    write(pack("shadow") / "actions" / "w.yaml",
          "name: w\nrunner_type: orquesta\nentry_point: ../../../../../../../etc/passwd\n");
    // Inside the pack, through a symlink that stays inside: fine.
    auto ok = pack("inside");
    write(ok / "scripts" / "real.sh", "#!/bin/sh\necho inside\n");
    fs::permissions(ok / "scripts" / "real.sh", fs::perms::owner_all);
    fs::create_symlink("../scripts/real.sh", ok / "actions" / "link.sh");
    write(ok / "actions" / "x.yaml", "name: x\nrunner_type: local-shell-script\nentry_point: link.sh\n");

    auto h = host();
    auto r = refusals(*h);
    std::string dir = (root_ / "packs").string();
    EXPECT_EQ(r["absolute"], dir +
                                 "/absolute/actions/x.yaml: entry_point '/bin/sh' must be a path inside the pack, "
                                 "not an absolute path");
    EXPECT_EQ(r["dotdot"], dir +
                               "/dotdot/actions/x.yaml: entry_point '../../../../../../../../bin/sh' points outside "
                               "the pack (to /usr/bin/dash)");
    EXPECT_EQ(r["symlinked"], dir +
                                  "/symlinked/actions/x.yaml: entry_point 'evil.sh' points outside the pack (to "
                                  "/usr/bin/dash)");
    EXPECT_EQ(r["shadow"], dir +
                               "/shadow/actions/w.yaml: entry_point '../../../../../../../etc/passwd' points outside "
                               "the pack (to /etc/passwd)");
    for (const auto& [name, reason] : r) EXPECT_EQ(reason.find("root:"), std::string::npos) << "nothing was read";
    auto e = packhost::testing::run_and_wait(*h, "inside.x");
    EXPECT_EQ(e->status(), executions::Status::succeeded) << e->result().dump();
    EXPECT_EQ(e->result()["stdout"], "inside");
}

TEST_F(PackFiles, OversizedAndOverNestedYamlIsRefusedSayingWhy) {
    write(pack("huge") / "pack.yaml",
          "ref: huge\nname: huge\ndescription: " + std::string(2u << 20, 'x') + "\nversion: 1.0.0\nauthor: a\n");
    write(pack("huge_action") / "actions" / "x.yaml",
          "name: x\nrunner_type: noop\ndescription: " + std::string(2u << 20, 'x') + "\n");
    write(pack("deep_yaml") / "actions" / "x.yaml",
          "name: x\nrunner_type: noop\nparameters: " + std::string(3000, '[') + std::string(3000, ']') + "\n");
    std::string nested = "name: x\nrunner_type: noop\nparameters:\n  p:\n    default: ";
    for (int i = 0; i < 200; ++i) nested += "[";
    for (int i = 0; i < 200; ++i) nested += "]";
    write(pack("deep_value") / "actions" / "x.yaml", nested + "\n");
    auto h = host();
    auto r = refusals(*h);
    std::string dir = (root_ / "packs").string();
    auto size = [&](const std::string& f) { return std::to_string(fs::file_size(root_ / "packs" / f)); };
    EXPECT_EQ(r["huge"], dir + "/huge/pack.yaml: is larger than 1 MiB (" + size("huge/pack.yaml") + " bytes)");
    EXPECT_EQ(r["huge_action"], dir + "/huge_action/actions/x.yaml: is larger than 1 MiB (" +
                                    size("huge_action/actions/x.yaml") + " bytes)");
    EXPECT_EQ(r["deep_yaml"], dir +
                                  "/deep_yaml/actions/x.yaml: invalid YAML at line 3: nested deeper than the YAML "
                                  "parser allows");
    EXPECT_EQ(r["deep_value"], dir + "/deep_value/actions/x.yaml: line 5: nested deeper than 128 levels");
}

TEST_F(PackFiles, APackWithContentButNoActionsIsReported) {
    auto misnamed = pack("misnamed");
    fs::copy_file(fs::path(BUNDLED_PACKS_DIR) / "core" / "libcore.so", misnamed / "libsomething.so");
    write(pack("empty_actions") / "actions" / "README", "nothing here\n");
    write(root_ / "packs" / "not_a_pack" / "notes.txt", "no pack.yaml: not a pack, not a warning\n");
    fs::create_symlink(root_ / "nowhere", root_ / "packs" / "dangling");
    HostOptions o;
    o.packs_path = {root_ / "packs", root_ / "missing-folder", BUNDLED_PACKS_DIR};
    o.scheduler.workers = 1;
    Host h(o);
    EXPECT_TRUE(warned(h, (root_ / "packs" / "misnamed").string() +
                              ": has a library (libsomething.so) but no loadable actions (a native library is loaded "
                              "when it is named libmisnamed.so or in manifest.json)"));
    EXPECT_TRUE(
        warned(h, (root_ / "packs" / "empty_actions").string() + ": has an actions/ folder but no loadable actions"));
    EXPECT_TRUE(warned(h, "packs path: " + (root_ / "missing-folder").string() + " does not exist"));
    EXPECT_TRUE(warned(h, (root_ / "packs" / "dangling").string() + ": a symlink to something that does not exist"));
    EXPECT_FALSE(warned(h, "not_a_pack"));
    EXPECT_FALSE(warned(h, "/core")) << "the core pack is fine";
}

TEST_F(PackFiles, ConfigProblemsAreAllReportedAndUnknownKeysWarned) {
    auto dir = pack("configured");
    write(dir / "config.schema.yaml",
          "retries: {type: integer, minimum: 0}\nregion: {type: string, enum: [north, south]}\n"
          "token: {type: string, required: true, secret: true}\n");
    write(dir / "actions" / "x.yaml", "name: x\nrunner_type: noop\n");
    auto configs = root_ / "configs";
    write(configs / "configured.yaml", "retries: -1\nregion: west\n");
    auto h = host(configs);
    EXPECT_EQ(refusals(*h)["configured"],
              (configs / "configured.yaml").string() +
                  ": config key 'retries' must be >= 0, got -1; config key 'region' must be one of \"north\", "
                  "\"south\"; got \"west\"; config key 'token' is required");

    write(configs / "configured.yaml", "retries: 2\ntoken: t\nretires: 3\n");
    auto h2 = host(configs);
    EXPECT_TRUE(h2->catalog().find("configured"));
    EXPECT_TRUE(warned(*h2, (configs / "configured.yaml").string() + ": unknown config key 'retires' (" +
                                (dir / "config.schema.yaml").string() + " does not declare it)"));
}

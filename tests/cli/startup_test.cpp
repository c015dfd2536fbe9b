// What a packhost command loads before it does its work: heavy client
// libraries only when they are used, pack libraries only when one of their
// actions runs (the pack index describes them). The dynamic loader itself
// reports every library it maps (LD_DEBUG=files), so this watches the real
// process.
#include <sys/stat.h>

#include <filesystem>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli/cli_support.hpp"
#include "core/json_value.hpp"

namespace packhost::testing {
namespace {

namespace fs = std::filesystem;

ProcessResult with_loader_log(std::vector<std::string> args, const std::string& packs = BUNDLED_PACKS_DIR) {
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", packs};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(
        argv, {{"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", test_home()}, {"LD_DEBUG", "files"}});
}

// Whether the loader mapped a file whose name ends in `name`.
bool loaded(const ProcessResult& r, const std::string& name) {
    for (size_t at = r.err.find("file="); at != std::string::npos; at = r.err.find("file=", at + 1)) {
        size_t end = r.err.find_first_of(" \t\n", at);
        std::string file = r.err.substr(at + 5, end - at - 5);
        if (file.size() >= name.size() && file.compare(file.size() - name.size(), name.size(), name) == 0) return true;
    }
    return false;
}

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

// A packs folder of the test's own, to edit: a copy of the bundled core
// pack (a library and YAML actions) and a YAML-only pack.
std::string own_packs() {
    fs::path dir = fs::path(test_home()) / "packs";
    fs::create_directories(dir);
    fs::copy(fs::path(BUNDLED_PACKS_DIR) / "core", dir / "core", fs::copy_options::recursive);
    write(dir / "site" / "pack.yaml", "ref: site\nname: site\ndescription: d\nversion: 1.0.0\nauthor: a\n");
    write(dir / "site" / "actions" / "hello.yaml",
          "name: hello\nrunner_type: local-shell-cmd\ndescription: one\nparameters:\n  cmd:\n    default: echo hi\n");
    // A file changed within a tick of the file clock is not trusted to the index.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return dir.string();
}

fs::path index_file() { return fs::path(test_home()) / "cache" / "pack-index"; }

TEST(Startup, LibcurlIsLoadedOnlyWhenAnHttpRequestIsMade) {
    auto version = with_loader_log({"--version"});
    ASSERT_EQ(version.exit_code, 0) << version.err;
    ASSERT_TRUE(loaded(version, "libsqlite3.so.0")) << "the loader log is read: " << version.err.substr(0, 2000);
    EXPECT_FALSE(loaded(version, "libcurl.so.4"));

    // The first run reads every pack, mapping each library once to learn its
    // actions: the openstack pack's links libcurl. From then on the pack
    // index describes them, and nothing maps libcurl until a request is made.
    ASSERT_EQ(with_loader_log({"run", "core.noop"}).exit_code, 0);
    auto noop = with_loader_log({"run", "core.noop"});
    ASSERT_EQ(noop.exit_code, 0) << noop.out << noop.err.substr(0, 2000);
    EXPECT_FALSE(loaded(noop, "libcurl.so.4"));

    // Port 9 (discard) on loopback: refused, but libcurl had to be loaded to try.
    auto http = with_loader_log({"run", "core.http", "url=http://127.0.0.1:9/"});
    EXPECT_EQ(http.exit_code, 1) << http.out;
    EXPECT_TRUE(loaded(http, "libcurl.so.4")) << http.err.substr(0, 2000);
    EXPECT_NE(http.out.find("127.0.0.1"), std::string::npos) << http.out;
}

TEST(Startup, AnIndexedPackLibraryIsMappedOnlyWhenOneOfItsActionsRuns) {
    std::string packs = own_packs();
    auto first = with_loader_log({"action", "list", "--json"}, packs);
    ASSERT_EQ(first.exit_code, 0) << first.err.substr(0, 2000);
    EXPECT_TRUE(loaded(first, "/core/libcore.so")) << "read for the first time, the library describes its actions";
    ASSERT_TRUE(fs::exists(index_file()));
    struct stat st {};
    ASSERT_EQ(::stat(index_file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto second = with_loader_log({"action", "list", "--json"}, packs);
    ASSERT_EQ(second.exit_code, 0);
    EXPECT_FALSE(loaded(second, "/core/libcore.so")) << "the index describes it";
    EXPECT_EQ(second.out, first.out) << "the same actions, from the index";
    EXPECT_TRUE(Json::parse(second.out).dump().find("core.echo") != std::string::npos);

    auto run = with_loader_log({"run", "core.echo", "message=from the index", "--json"}, packs);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    EXPECT_TRUE(loaded(run, "/core/libcore.so")) << "running one of its actions maps it";
    EXPECT_EQ(Json::parse(run.out)["result"]["message"], "from the index");
}

TEST(Startup, WhatChangesInAPackIsReadAgain) {
    std::string packs = own_packs();
    auto show = [&](const std::string& ref) {
        auto r = with_loader_log({"action", "show", ref, "--json"}, packs);
        return r.exit_code == 0 ? Json::parse(r.out) : Json();
    };
    EXPECT_EQ(show("site.hello")["description"], "one");
    EXPECT_EQ(show("site.hello")["description"], "one");  // from the index

    // The same size, so only the time and inode tell.
    write(fs::path(packs) / "site" / "actions" / "hello.yaml",
          "name: hello\nrunner_type: local-shell-cmd\ndescription: two\nparameters:\n  cmd:\n    default: echo hi\n");
    EXPECT_EQ(show("site.hello")["description"], "two");

    write(fs::path(packs) / "site" / "actions" / "bye.yaml", "name: bye\nrunner_type: noop\n");
    EXPECT_EQ(show("site.bye")["runner_type"], "noop") << "a file added is seen";

    // Indexed without a config schema, then given one: its default is applied.
    auto config = [&] {
        auto r = with_loader_log({"pack", "show", "site", "--json"}, packs);
        return r.exit_code == 0 ? Json::parse(r.out).value("config", Json()) : Json("failed: " + r.err);
    };
    EXPECT_TRUE(config().is_null());
    EXPECT_TRUE(config().is_null());  // from the index
    write(fs::path(packs) / "site" / "config.schema.yaml", "greeting:\n  type: string\n  default: hello\n");
    EXPECT_EQ(config(), (Json{{"greeting", "hello"}}));

    // A folder that loses its pack.yaml is no longer a pack.
    write(fs::path(packs) / "gone" / "pack.yaml", "ref: gone\nname: gone\ndescription: d\nversion: 1.0.0\nauthor: a\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_FALSE(show("site.hello").is_null());
    EXPECT_EQ(with_loader_log({"pack", "show", "gone"}, packs).exit_code, 0);  // and indexed
    fs::remove(fs::path(packs) / "gone" / "pack.yaml");
    auto gone = with_loader_log({"pack", "list", "--json"}, packs);
    ASSERT_EQ(gone.exit_code, 0) << gone.err;
    EXPECT_EQ(gone.out.find("\"gone\""), std::string::npos) << gone.out;
    EXPECT_EQ(Json::parse(gone.out)["refused"].size(), 0u) << gone.out;

    // A workflow checked once, then broken: the pack is read again and refused.
    write(fs::path(packs) / "site" / "actions" / "flow.yaml",
          "name: flow\nrunner_type: orquesta\nentry_point: workflows/flow.yaml\n");
    write(fs::path(packs) / "site" / "actions" / "workflows" / "flow.yaml",
          "version: 1.0\ntasks:\n  a:\n    action: core.noop\n");
    auto ok = with_loader_log({"run", "site.flow", "--json"}, packs);
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    EXPECT_EQ(with_loader_log({"run", "site.flow"}, packs).exit_code, 0) << "from the index";
    write(fs::path(packs) / "site" / "actions" / "workflows" / "flow.yaml",
          "version: 1.0\ntasks:\n  a:\n    action: core.noop\n    next:\n      - do: nowhere\n");
    auto list = with_loader_log({"pack", "list", "--json"}, packs);
    auto doc = Json::parse(list.out);
    ASSERT_EQ(doc["refused"].size(), 1u) << list.out;
    EXPECT_NE(doc["refused"][0]["reason"].get<std::string>().find("nowhere"), std::string::npos) << list.out;
}

TEST(Startup, ADamagedIndexIsRebuilt) {
    std::string packs = own_packs();
    ASSERT_EQ(with_loader_log({"action", "list"}, packs).exit_code, 0);
    write(index_file(), "{\"format\": \"packhost-pack-index-1\", \"packs\": [tru");
    auto r = with_loader_log({"action", "show", "site.hello", "--json"}, packs);
    EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
    EXPECT_EQ(Json::parse(r.out)["description"], "one");
    std::ifstream in(index_file());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.rfind("packhost-pack-index-2\t", 0), 0u) << "written again";
    EXPECT_NE(text.find("\nP\t"), std::string::npos) << text;
}

}  // namespace
}  // namespace packhost::testing

// What a packhost command loads before it does its work: heavy client
// libraries only when they are used. The dynamic loader itself reports
// every library it maps (LD_DEBUG=files), so this watches the real process.
#include <gtest/gtest.h>

#include "cli/cli_support.hpp"

namespace packhost::testing {
namespace {

ProcessResult with_loader_log(std::vector<std::string> args) {
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path", BUNDLED_PACKS_DIR};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {{"PACKHOST_PACKS_PATH", ""},
                              {"USER", "tester"},
                              {"PACKHOST_HOME", test_home()},
                              {"LD_DEBUG", "files"}});
}

bool loaded(const ProcessResult& r, const std::string& soname) {
    return r.err.find("file=" + soname) != std::string::npos;
}

TEST(Startup, LibcurlIsLoadedOnlyWhenAnHttpRequestIsMade) {
    auto version = with_loader_log({"--version"});
    ASSERT_EQ(version.exit_code, 0) << version.err;
    ASSERT_TRUE(loaded(version, "libsqlite3.so.0")) << "the loader log is read: " << version.err.substr(0, 2000);
    EXPECT_FALSE(loaded(version, "libcurl.so.4"));

    auto noop = with_loader_log({"run", "core.noop"});
    ASSERT_EQ(noop.exit_code, 0) << noop.out << noop.err.substr(0, 2000);
    EXPECT_FALSE(loaded(noop, "libcurl.so.4"));

    // Port 9 (discard) on loopback: refused, but libcurl had to be loaded to try.
    auto http = with_loader_log({"run", "core.http", "url=http://127.0.0.1:9/"});
    EXPECT_EQ(http.exit_code, 1) << http.out;
    EXPECT_TRUE(loaded(http, "libcurl.so.4")) << http.err.substr(0, 2000);
    EXPECT_NE(http.out.find("127.0.0.1"), std::string::npos) << http.out;
}

}  // namespace
}  // namespace packhost::testing

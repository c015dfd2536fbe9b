#pragma once
// What the command-line tests share: a home of their own per test, and
// running the built packhost with the fixture packs.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.hpp"

namespace packhost::testing {

// Each test keeps its state in a home of its own, fresh when the test
// starts, whether the tests run one per process (ctest) or all in one.
inline const std::string& test_home() {
    static std::mutex mu;
    static std::map<std::string, std::string> homes;  // by test; nodes stay put
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "outside-a-test";
    std::lock_guard lock(mu);
    if (auto it = homes.find(test); it != homes.end()) return it->second;
    if (homes.empty()) {
        std::atexit([] {
            for (const auto& [t, dir] : homes) std::filesystem::remove_all(dir);
        });
    }
    auto dir = std::filesystem::temp_directory_path() / ("packhost-cli-" + std::to_string(::getpid()) + "-" + test);
    std::filesystem::remove_all(dir);
    return homes.emplace(test, dir.string()).first->second;
}

inline bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// The built packhost with the fixture and bundled packs, then `args`.
inline std::vector<std::string> packhost_argv(std::vector<std::string> args) {
    std::vector<std::string> argv{PACKHOST_BIN, "--packs-path",
                                  std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

inline ProcessResult packhost_cmd(std::vector<std::string> args, bool fixtures = true) {
    std::vector<std::string> argv{PACKHOST_BIN};
    if (fixtures) {
        argv.push_back("--packs-path");
        argv.push_back(std::string(FIXTURE_PACKS_DIR) + ":" + BUNDLED_PACKS_DIR);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {{"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", test_home()}});
}

}  // namespace packhost::testing

#pragma once
// What the command-line tests share: a home of their own per test process,
// and running the built packhost with the fixture packs.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace packhost::testing {

// Each test process keeps its state in a home of its own.
inline const std::string& test_home() {
    static const std::string home = [] {
        auto dir = std::filesystem::temp_directory_path() / ("packhost-cli-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        std::atexit([] { std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("packhost-cli-" + std::to_string(::getpid()))); });
        return dir.string();
    }();
    return home;
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

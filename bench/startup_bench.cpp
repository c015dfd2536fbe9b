// What one packhost command costs from exec to exit, against a bare process
// start (/bin/true), as people and scripts call it in loops:
//  (a) /bin/true
//  (b) packhost --version
//  (c) packhost run core.noop (the store, the bundled packs from the index)
//  (d) the same with 50 more packs on the search path (YAML actions and a
//      workflow each)
//  (e) the first command in a new home (the index and the store created)
// Medians over many runs; numbers and ratios are printed, never asserted.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

// Runs argv with `env` added, output discarded; the wall time in ms.
double run_ms(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) envs.emplace_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    std::vector<char*> args, envp;
    std::vector<std::string> a = argv;
    for (auto& s : a) args.push_back(s.data());
    args.push_back(nullptr);
    for (auto& s : envs) envp.push_back(s.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    auto start = clock_type::now();
    pid_t pid;
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "%s exited with %d\n", argv[0].c_str(), status);
        std::exit(1);
    }
    return ms;
}

double median_ms(size_t runs, const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    run_ms(argv, env);  // warm: page cache, the index
    std::vector<double> t;
    for (size_t i = 0; i < runs; ++i) t.push_back(run_ms(argv, env));
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

// 50 packs of the kind people write: three shell actions and a workflow.
fs::path make_packs(const fs::path& root) {
    for (int i = 0; i < 50; ++i) {
        std::string ref = "bench" + std::to_string(i);
        fs::path d = root / ref;
        write(d / "pack.yaml", "ref: " + ref + "\nname: " + ref +
                                   "\ndescription: a pack\nversion: 1.0.0\nauthor: bench\nkeywords: [a, b]\n");
        for (int a = 0; a < 3; ++a) {
            write(d / "actions" / ("act" + std::to_string(a) + ".yaml"),
                  "name: act" + std::to_string(a) +
                      "\nrunner_type: local-shell-cmd\ndescription: an action\nparameters:\n"
                      "  cmd:\n    default: echo {{ who }}\n  who:\n    type: string\n    default: world\n"
                      "  count:\n    type: integer\n    default: 3\n");
        }
        write(d / "actions" / "flow.yaml", "name: flow\nrunner_type: orquesta\nentry_point: workflows/flow.yaml\n");
        write(d / "actions" / "workflows" / "flow.yaml",
              "version: 1.0\ninput:\n  - who\ntasks:\n  first:\n    action: " + ref +
                  ".act0 who={{ ctx().who }}\n    next:\n      - when: '{{ succeeded() }}'\n        do: second\n"
                  "  second:\n    action: core.noop\noutput:\n  - done: true\n");
    }
    return root;
}

}  // namespace

int main(int argc, char** argv) {
    size_t runs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 40;
    const std::string bin = PACKHOST_BIN;
    fs::path tmp = fs::temp_directory_path() / ("packhost-startup-bench-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::path packs = make_packs(tmp / "packs");
    std::string bundled = BUNDLED_PACKS_DIR;
    auto home = [&](const std::string& name) { return "PACKHOST_HOME=" + (tmp / name).string(); };
    std::vector<std::string> base_env{"PACKHOST_PACKS_PATH=" + bundled, home("home")};
    std::vector<std::string> more_env{"PACKHOST_PACKS_PATH=" + bundled + ":" + packs.string(), home("home50")};

    double bare = median_ms(runs, {"/bin/true"}, {});
    double version = median_ms(runs, {bin, "--version"}, base_env);
    double noop = median_ms(runs, {bin, "run", "core.noop"}, base_env);
    double noop50 = median_ms(runs, {bin, "run", "core.noop"}, more_env);
    std::vector<double> first;
    for (size_t i = 0; i < std::max<size_t>(runs / 4, 5); ++i) {
        first.push_back(run_ms({bin, "run", "core.noop"}, {"PACKHOST_PACKS_PATH=" + bundled + ":" + packs.string(),
                                                           home("new" + std::to_string(i))}));
    }
    std::sort(first.begin(), first.end());

    std::printf("start-up: median of %zu runs, wall time from spawn to exit\n", runs);
    std::printf("  %-52s %8.2f ms   1.0x\n", "/bin/true", bare);
    std::printf("  %-52s %8.2f ms  %4.1fx   (target <= 3 ms)\n", "packhost --version", version, version / bare);
    std::printf("  %-52s %8.2f ms  %4.1fx   (target <= 5 ms)\n", "packhost run core.noop", noop, noop / bare);
    std::printf("  %-52s %8.2f ms  %4.1fx   (+%.0f%% for 50 packs; target <= 30%%)\n",
                "packhost run core.noop, 50 more packs", noop50, noop50 / bare, (noop50 / noop - 1) * 100);
    std::printf("  %-52s %8.2f ms  %4.1fx   (index and store created)\n", "the same, first command in a new home",
                first[first.size() / 2], first[first.size() / 2] / bare);
    fs::remove_all(tmp);
    return 0;
}

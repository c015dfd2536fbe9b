// Workflow engine costs, recording on (a real SQLite store):
//  (a) a 1,000-task linear Orquesta chain of native core.noop tasks:
//      cost per task transition (goal: <= 20 us); the same chain with a
//      `when` and a `publish` on every transition, in Jinja and in YAQL
//      (WFBENCH_CHAIN_ONLY=1: only these; =bare, =jinja or =yaql: one chain;
//      WFBENCH_RUNS=N: N runs each; WFBENCH_NO_STORE=1: no recording)
//  (b) with-items over 100 / 1,000 / 10,000 items, concurrency 10:
//      cost per item and the growth ratio (goal: linear; 10,000 <= 1 s)
// The definitions are generated into a temporary pack. Numbers are
// printed, never asserted.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench_support.hpp"
#include "host.hpp"
#include "packs/discovery.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

fs::path make_pack(const fs::path& root, size_t chain_length) {
    fs::path pack = root / "wfbench";
    write(pack / "pack.yaml", "ref: wfbench\nname: wfbench\ndescription: generated\nversion: 0.1.0\nauthor: bench\n");
    write(pack / "actions/chain.yaml",
          "name: chain\nrunner_type: orquesta\nentry_point: workflows/chain.yaml\nparameters: {}\n");
    std::string chain = "version: 1.0\ntasks:\n";
    for (size_t i = 0; i < chain_length; ++i) {
        chain += "  t" + std::to_string(i) + ":\n    action: core.noop\n";
        if (i + 1 < chain_length) chain += "    next:\n      - do: t" + std::to_string(i + 1) + "\n";
    }
    write(pack / "actions/workflows/chain.yaml", chain);
    // The chain again, each transition testing and publishing: {{ }} or <% %>.
    for (const auto& [name, open, close] :
         {std::tuple{"chain_jinja", "{{", "}}"}, std::tuple{"chain_yaql", "<%", "%>"}}) {
        std::string text = "version: 1.0\nvars:\n  - count: 0\noutput:\n  - count: \"" + std::string(open) +
                           " ctx().count " + close + "\"\ntasks:\n";
        for (size_t i = 0; i < chain_length; ++i) {
            text += "  t" + std::to_string(i) + ":\n    action: core.noop\n    next:\n      - when: \"" + open +
                    " succeeded() " + close + "\"\n        publish:\n          - count: \"" + open +
                    " ctx().count + 1 " + close + "\"\n";
            if (i + 1 < chain_length) text += "        do: t" + std::to_string(i + 1) + "\n";
        }
        write(pack / ("actions/workflows/" + std::string(name) + ".yaml"), text);
        write(pack / ("actions/" + std::string(name) + ".yaml"),
              "name: " + std::string(name) + "\nrunner_type: orquesta\nentry_point: workflows/" + name +
                  ".yaml\nparameters: {}\n");
    }
    write(pack / "actions/items.yaml",
          "name: items\nrunner_type: orquesta\nentry_point: workflows/items.yaml\n"
          "parameters:\n  n: {type: integer, required: true}\n");
    write(pack / "actions/workflows/items.yaml",
          "version: 1.0\ninput:\n  - n\ntasks:\n  each:\n    with:\n      items: \"{{ range(ctx().n) | list }}\"\n"
          "      concurrency: 10\n    action: core.noop\n");
    return root;
}

double run_seconds(packhost::Host& host, const std::string& ref, packhost::Json params) {
    auto t0 = clock_type::now();
    auto e = host.scheduler().submit({ref, std::move(params)});
    e->wait();
    double s = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (e->status() != packhost::executions::Status::succeeded) {
        std::fprintf(stderr, "%s failed: %s\n", ref.c_str(), e->result().dump().c_str());
        std::exit(1);
    }
    return s;
}

}  // namespace

int main() {
    const std::string self = self_path();
    fs::path root = fs::temp_directory_path() / ("packhost-wfbench-" + std::to_string(::getpid()));
    constexpr size_t kChain = 1000;
    make_pack(root / "packs", kChain);

    packhost::HostOptions options;
    options.packs_path = packhost::packs::default_search_path(self);
    options.packs_path.push_back(root / "packs");
    if (!std::getenv("WFBENCH_NO_STORE")) options.store_file = root / "packhost.db";
    options.key_file = root / "packhost.key";
    options.scheduler.keep_finished = 20000;
    if (const char* w = std::getenv("WFBENCH_WORKERS")) options.scheduler.workers = std::strtoul(w, nullptr, 10);
    {
        packhost::Host host(options);
        if (!host.registry().find("wfbench.chain")) {
            std::fprintf(stderr, "the generated pack did not load\n");
            return 1;
        }
        std::printf("workflow engine, %s, %u CPUs\n\n",
                    options.store_file.empty() ? "no store (WFBENCH_NO_STORE)" : "recording on (SQLite)",
                    std::thread::hardware_concurrency());

        std::vector<double> chain;
        int chain_runs = std::getenv("WFBENCH_CHAIN_ONLY") ? 40 : 7;
        // Fewer runs for an instruction count (valgrind --tool=callgrind).
        if (const char* n = std::getenv("WFBENCH_RUNS")) chain_runs = std::max(1, std::atoi(n));
        // WFBENCH_CHAIN_ONLY=jinja or =yaql: that chain alone (to profile it).
        const char* only = std::getenv("WFBENCH_CHAIN_ONLY");
        auto wanted = [&](const char* language) {
            return !only || !*only || std::strcmp(only, "1") == 0 || std::strcmp(only, language) == 0;
        };
        if (wanted("bare")) {
            for (int i = 0; i < chain_runs; ++i)
                chain.push_back(run_seconds(host, "wfbench.chain", packhost::Json::object()));
            double per_transition_us = median(chain) / kChain * 1e6;
            std::printf(
                "(a) %zu-task linear chain of core.noop:  %.1f ms per workflow, %.2f us per task transition "
                "(goal <= 20 us)\n",
                kChain, median(chain) * 1e3, per_transition_us);
        }

        for (const char* ref : {"wfbench.chain_jinja", "wfbench.chain_yaql"}) {
            if (!wanted(std::strchr(ref, '_') + 1)) continue;
            std::vector<double> t;
            for (int i = 0; i < chain_runs; ++i) t.push_back(run_seconds(host, ref, packhost::Json::object()));
            std::printf("    same, `when` + `publish` per transition (%s): %.2f us per task transition\n",
                        std::strchr(ref, '_') + 1, median(t) / kChain * 1e6);
        }

        if (std::getenv("WFBENCH_CHAIN_ONLY")) return 0;
        std::printf("\n(b) with-items, concurrency 10:\n");
        std::printf("    %8s  %10s  %10s  %s\n", "items", "total", "per item", "growth vs. previous (linear = 10x)");
        double previous = 0;
        for (int items : {100, 1000, 10000}) {
            std::vector<double> t;
            int repeats = items >= 10000 ? 3 : 5;
            for (int i = 0; i < repeats; ++i) t.push_back(run_seconds(host, "wfbench.items", {{"n", items}}));
            double m = median(t);
            char growth[64] = "";
            if (previous > 0) std::snprintf(growth, sizeof growth, "%.1fx", m / previous);
            std::printf("    %8d  %8.1f ms  %7.2f us  %s\n", items, m * 1e3, m / items * 1e6, growth);
            previous = m;
        }
        if (host.store()) host.store()->flush();
    }
    fs::remove_all(root);
    return 0;
}

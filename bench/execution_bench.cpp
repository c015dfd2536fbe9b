// The cost of one execution, native vs. process-per-action, side by side:
//  (a) raw call through the pack's invoke function pointer
//  (b) core.noop through the full execution path (validate, schedule, worker, record)
//  (c) the same with a 1 KB parameter object (core.echo)
//  (d) executions per second through the worker pool
//  (e) posix_spawn("/bin/true") + wait
//  (f) posix_spawn("python3 -c pass") + wait (StackStorm's per-action interpreter)
// Medians over many samples; numbers are printed, never asserted.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "host.hpp"
#include "packs/discovery.hpp"

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;
using packhost::executions::Request;

double median_ns(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Median of per-sample times; each sample times `batch` calls to smooth the
// clock's own cost for sub-microsecond work.
double measure(size_t samples, size_t batch, const std::function<void()>& fn) {
    for (size_t i = 0; i < std::min<size_t>(samples, 1000); ++i) fn();  // warm up
    std::vector<double> t;
    t.reserve(samples);
    for (size_t s = 0; s < samples; ++s) {
        auto a = clock_type::now();
        for (size_t i = 0; i < batch; ++i) fn();
        t.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - a).count() / double(batch));
    }
    return median_ns(std::move(t));
}

void spawn_and_wait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    std::vector<std::string> copy = argv;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid;
    if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
    }
    int status;
    waitpid(pid, &status, 0);
}

std::string human(double ns) {
    char buf[64];
    if (ns < 1e3)
        std::snprintf(buf, sizeof buf, "%.0f ns", ns);
    else if (ns < 1e6)
        std::snprintf(buf, sizeof buf, "%.2f us", ns / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
    return buf;
}

}  // namespace

int main() {
    const std::string self = self_path();
    packhost::HostOptions options;
    options.packs_path = packhost::packs::default_search_path(self);
    options.scheduler.keep_finished = 10000;
    packhost::Host host(options);
    auto& scheduler = host.scheduler();
    if (!host.registry().find("core.noop")) {
        std::fprintf(stderr, "core pack not found next to %s\n", self.c_str());
        return 1;
    }

    // (a) the raw function pointer, with a minimal call context.
    const auto* core = host.catalog().find("core");
    const packhost::packs::NativeAction* noop = nullptr;
    for (const auto& a : core->native->actions) {
        if (a.name == "noop") noop = &a;
    }
    std::string result;
    auto write = [](void* ctx, const char* d, size_t l) -> ph_rc {
        static_cast<std::string*>(ctx)->append(d, l);
        return PH_OK;
    };
    ph_call_v1 call{};
    call.struct_size = sizeof call;
    call.execution_id = "000000000000000000000000";
    call.is_canceled = [](void*) -> uint32_t { return 0; };
    call.result = {sizeof(ph_writer_v1), 0, &result, write};
    call.error = {sizeof(ph_writer_v1), 0, &result, write};
    call.context_json = "{}";
    call.context_len = 2;
    call.config_json = "{}";
    call.config_len = 2;
    double a = measure(2000, 1000, [&] {
        result.clear();
        noop->invoke(noop->user, "{}", 2, &call);
    });

    // (b) full path, one at a time: submit, then wait for the result.
    double b = measure(200000, 1, [&] {
        auto e = scheduler.submit(Request{"core.noop"});
        e->wait();
    });

    // (c) the same with a 1 KB parameter object.
    packhost::Json big{{"message", std::string(1000, 'x')}};
    double c = measure(100000, 1, [&] {
        auto e = scheduler.submit(Request{"core.echo", big});
        e->wait();
    });

    // (d) throughput: keep the pool busy, then wait for everything.
    const size_t total = 400000;
    std::vector<std::shared_ptr<packhost::executions::Execution>> inflight;
    inflight.reserve(total);
    auto t0 = clock_type::now();
    for (size_t i = 0; i < total; ++i) inflight.push_back(scheduler.submit(Request{"core.noop"}));
    for (auto& e : inflight) e->wait();
    double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    double per_sec = double(total) / secs;
    size_t ok = 0;
    for (auto& e : inflight) ok += e->status() == packhost::executions::Status::succeeded;
    inflight.clear();

    // (g) the same throughput with the SQLite history on: every execution
    // recorded at submit and at its end, through the batching writer.
    double stored_per_sec = 0;
    {
        auto dir = std::filesystem::temp_directory_path() / ("packhost-bench-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        packhost::HostOptions stored = options;
        stored.store_file = dir / "packhost.db";
        packhost::Host host2(stored);
        const size_t n = 200000;
        std::vector<std::shared_ptr<packhost::executions::Execution>> batch;
        batch.reserve(n);
        auto s0 = clock_type::now();
        for (size_t i = 0; i < n; ++i) batch.push_back(host2.scheduler().submit(Request{"core.noop"}));
        for (auto& e : batch) e->wait();
        host2.store()->flush();
        stored_per_sec = double(n) / std::chrono::duration<double>(clock_type::now() - s0).count();
        host2.shutdown();
        std::filesystem::remove_all(dir);
    }

    // (e) and (f): a process per action.
    double e = measure(300, 1, [] { spawn_and_wait({"/bin/true"}); });
    // (h) the local-shell-cmd runner against a bare spawn of the same argv.
    double h_bare = measure(300, 1, [] { spawn_and_wait({"/bin/bash", "-c", "true"}); });
    double h_runner = measure(300, 1, [&] {
        auto ex = scheduler.submit(Request{"core.local", {{"cmd", "true"}}});
        ex->wait();
    });
    double f = measure(30, 1, [] { spawn_and_wait({"python3", "-c", "pass"}); });

    std::printf("packhost execution benchmark (%u CPUs)\n\n", std::thread::hardware_concurrency());
    std::printf("  %-58s %12s\n", "measure", "median");
    std::printf("  %-58s %12s\n", "(a) raw call through core.noop's invoke pointer", human(a).c_str());
    std::printf("  %-58s %12s   goal <= 5 us\n", "(b) core.noop, full execution path", human(b).c_str());
    std::printf("  %-58s %12s\n", "(c) core.echo with a 1 KB parameter object", human(c).c_str());
    std::printf("  %-58s %9.0f /s   goal >= 200,000/s (%zu/%zu succeeded)\n", "(d) executions per second, worker pool",
                per_sec, ok, total);
    std::printf("  %-58s %9.0f /s   goal >= 20,000/s\n", "(g) executions per second, SQLite history on (flushed)",
                stored_per_sec);
    std::printf("  %-58s %12s\n", "(e) posix_spawn /bin/true + wait", human(e).c_str());
    std::printf("  %-58s %12s\n", "(f) posix_spawn python3 -c pass + wait", human(f).c_str());
    std::printf("  %-58s %12s\n", "(h) core.local cmd=true (local-shell-cmd runner)", human(h_runner).c_str());
    std::printf("  %-58s %12s\n", "    bare posix_spawn bash -c true + wait", human(h_bare).c_str());
    std::printf("\n  ratios: (b)/(a) = %.1fx   (e)/(b) = %.0fx   (f)/(b) = %.0fx\n", b / a, e / b, f / b);
    std::printf("          runner/bare spawn = %.2fx (goal <= 1.3x)\n", h_runner / h_bare);
    return 0;
}

// packhost serve: the long-lived host. For now it continues the workflows
// ended processes left unfinished and takes cancel/pause/resume requests
// (through the store) until SIGINT or SIGTERM; the REST API, sensors and
// rules will live here too.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"

namespace packhost::cli {
namespace {

std::atomic<bool> stop_requested{false};
extern "C" void on_stop_signal(int) { stop_requested.store(true); }

void serve(AppContext& ctx) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    // A closed terminal (SIGHUP) stops it the way SIGTERM does.
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    auto& host = ctx.host();
    auto continued = host.control().continue_orphans();
    std::cout << "packhost serving (pid " << ::getpid() << "): " << host.catalog().loaded().size() << " pack(s), "
              << host.registry().list().size() << " action(s); continuing " << continued.size()
              << " unfinished workflow(s)" << std::endl;
    for (const auto& e : continued)
        std::cout << "continuing " << e->id() << " (" << e->action().ref << ")" << std::endl;
    while (!stop_requested.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << "packhost stopping; unfinished workflows stay recorded for the next start" << std::endl;
}

}  // namespace

void add_serve_command(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("serve",
                                   "Run as a long-lived host: continue workflows left unfinished by ended processes "
                                   "and take cancel/pause/resume requests, until SIGINT or SIGTERM");
    cmd->callback([&ctx] { serve(ctx); });
}

}  // namespace packhost::cli

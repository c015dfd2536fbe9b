// packhost serve: the long-lived host. It continues the workflows ended
// processes left unfinished, takes cancel/pause/resume requests (through the
// store) and answers StackStorm's REST API on --bind, until SIGINT or
// SIGTERM; then it stops accepting, lets running executions finish for
// --drain-seconds and exits 0.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "api/rest_api.hpp"
#include "chatops/adapters/irc.hpp"
#include "chatops/adapters/slack.hpp"
#include "cli/chat_setup.hpp"
#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "events/rules/engine.hpp"
#include "events/rules/rule_set.hpp"
#include "events/timers/timer_service.hpp"
#include "http/server.hpp"

namespace packhost::cli {
namespace {

std::atomic<bool> stop_requested{false};
// The main thread sleeps reading this until a stop signal writes to it
// (write() is safe in a signal handler; nothing wakes an idle serve).
int stop_fd = -1;
extern "C" void on_stop_signal(int) {
    int saved = errno;
    stop_requested.store(true);
    uint64_t one = 1;
    if (stop_fd >= 0 && ::write(stop_fd, &one, sizeof one) < 0) {
        // The counter is full or the descriptor gone: the flag is set anyway.
    }
    errno = saved;
}

void wait_for_stop_signal() {
    bool blocking = stop_fd >= 0;  // else (no eventfd) the flag is looked at now and then
    while (!stop_requested.load()) {
        uint64_t count = 0;
        if (!blocking) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } else if (::read(stop_fd, &count, sizeof count) < 0 && errno != EINTR) {
            core::log::warn("serve: cannot wait for a stop signal ({}); looking every 100 ms", std::strerror(errno));
            blocking = false;
        }
    }
}

// As given on the command line; empty when not (the settings decide).
struct ServeArgs {
    std::string bind, drain_seconds, http_threads, max_body_bytes;
    bool no_auth = false;
};

bool is_loopback(const std::string& address) {
    return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

// "host:port", "[v6]:port" or ":port" (loopback).
std::pair<std::string, uint16_t> parse_bind(const std::string& bind) {
    size_t colon = bind.rfind(':');
    if (colon == std::string::npos) throw core::ValidationError("--bind must be ADDRESS:PORT, got '" + bind + "'");
    std::string host = bind.substr(0, colon), port_text = bind.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";
    if (host == "localhost") host = "127.0.0.1";
    unsigned long port = 0;
    try {
        size_t used = 0;
        port = std::stoul(port_text, &used);
        if (used != port_text.size() || port > 65535) throw std::invalid_argument(port_text);
    } catch (const std::exception&) {
        throw core::ValidationError("--bind: '" + port_text + "' is not a port number");
    }
    return {host, static_cast<uint16_t>(port)};
}

void serve(AppContext& ctx, const ServeArgs& args) {
    auto& settings = ctx.settings;
    settings.set_flag("api.bind", args.bind);
    settings.set_flag("serve.drain_seconds", args.drain_seconds);
    settings.set_flag("api.threads", args.http_threads);
    settings.set_flag("api.max_body_bytes", args.max_body_bytes);
    if (args.no_auth) settings.set_flag("api.no_auth", "true");
    auto [address, port] = parse_bind(settings.text("api.bind"));
    bool no_auth = settings.flag("api.no_auth");
    auto drain_seconds = static_cast<double>(settings.number("serve.drain_seconds"));
    if (no_auth && !is_loopback(address)) {
        throw core::ValidationError("--no-auth is only allowed on a loopback address (127.0.0.1, ::1); " + address +
                                    " would let anyone on the network run actions");
    }
    if (stop_fd < 0) stop_fd = ::eventfd(0, EFD_CLOEXEC);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    // A closed terminal (SIGHUP) stops it the way SIGTERM does.
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client gone mid-response is an error code, not death
    ctx.events = std::make_unique<events::EventBus>(static_cast<size_t>(settings.number("stream.ring_events")),
                                                    static_cast<size_t>(settings.number("stream.ring_bytes")));
    auto& host = ctx.host();

    api::RestOptions rest;
    rest.require_auth = !no_auth;
    rest.events = ctx.events.get();
    rest.stream_max_buffered_bytes = static_cast<size_t>(settings.number("stream.max_buffered_bytes"));
    rest.webhook_secrets = settings.secrets("webhooks");
    rest.max_unfinished = static_cast<size_t>(settings.number("api.max_unfinished"));
    api::RestApi api(host, rest);
    http::ServerOptions http_options;
    http_options.address = address;
    http_options.port = port;
    http_options.threads = static_cast<unsigned>(std::clamp<int64_t>(settings.number("api.threads"), 1, 64));
    http_options.max_body_bytes = static_cast<size_t>(settings.number("api.max_body_bytes"));
    http_options.request_timeout = std::chrono::seconds(std::max<int64_t>(1, settings.number("api.request_timeout")));
    // Chat: the Slack adapter (Events API on this server) when a signing
    // secret is configured.
    std::unique_ptr<chatops::ChatCore> chat;
    std::unique_ptr<chatops::adapters::SlackAdapter> slack;
    std::unique_ptr<chatops::adapters::IrcAdapter> irc;
    std::string slack_secret = settings.text("chatops.slack.signing_secret");
    std::string irc_server = settings.text("chatops.irc.server");
    if (!slack_secret.empty() || !irc_server.empty()) {
        chat = std::make_unique<chatops::ChatCore>(host, loaded_aliases(ctx), chat_options(settings));
    }
    if (!slack_secret.empty()) {
        const std::string& secret = slack_secret;
        chatops::adapters::SlackOptions so;
        so.signing_secret = secret;
        so.bot_token = settings.text("chatops.slack.bot_token");
        so.api_url = settings.text("chatops.slack.api_url");
        slack = std::make_unique<chatops::adapters::SlackAdapter>(*chat, so);
        chat->add_adapter(*slack);
    }
    http::Server server(http_options, [&api, &slack](http::Request& r) {
        if (r.path == "/chatops/slack/events") {
            if (!slack) return http::Response::fault(404, "Slack is not configured (chatops.slack.signing_secret)");
            if (r.method != "POST") return http::Response::fault(405, "POST only");
            return slack->handle(r);
        }
        return api.handle(r);
    });
    server.start();
    if (!irc_server.empty()) {
        irc = std::make_unique<chatops::adapters::IrcAdapter>(*chat, irc_options(settings));
        chat->add_adapter(*irc);
        irc->start();
    }

    // Rules (the packs' and the store's) run on trigger instances (webhooks,
    // sensors, timers, finished executions). `rule create|enable|disable|
    // delete` by any process bumps the store's config generation: the rules
    // are read again, between two batches of trigger instances.
    // Not `durable`: the trigger instance and the enforcement are recorded
    // already, and waiting for each execution's first commit would hold the
    // one dispatcher thread to the store's commit rate.
    events::rules::Engine engine(host.registry(), host.store(), host.datastore(),
                                 [&host](executions::Request r) { return host.control().start(std::move(r))->id(); });
    // Timers wait on the HTTP server's I/O threads (one runtime).
    auto timers = events::timers::TimerService::on_server(
        server, [&host](const std::string& type, Json payload, Json parameters) {
            auto emitted = host.emit_trigger(type, std::move(payload), std::move(parameters));
            if (emitted.outcome == Host::Emitted::Outcome::busy)
                core::log::warn("timer {}: the trigger queue is full, this firing is lost", type);
        });
    // The packs' sensors, each on a thread of its own, switched by `packhost
    // sensor enable|disable` (kept in the store, read again with the rules).
    auto sensors = std::make_unique<events::sensors::SensorContainer>(
        host.sensor_specs(),
        [&host](const std::string& trigger, Json payload) { host.emit_trigger(trigger, std::move(payload)); },
        events::sensors::SensorContainer::Options{});
    auto load_rules = [&host, &engine, &timers, &sensors] {
        std::vector<std::string> problems;
        auto rules = events::rules::load_rules(host.catalog(), host.store(), host.trigger_types(), problems);
        std::vector<events::timers::TimerRequest> wanted;
        for (const auto& r : rules) {
            if (r.enabled && events::timers::Schedule::is_timer_type(r.trigger_type))
                wanted.push_back({r.trigger_type, r.trigger_parameters});
        }
        engine.replace(std::move(rules));
        timers->set(wanted, problems);
        for (const auto& p : problems) core::log::warn("rule left out: {}", p);
        host.set_wanted_system_triggers(engine.listened_types());
        if (auto* store = host.store()) sensors->apply_switches(store->switches("sensor"));
    };
    auto* store = host.store();
    int64_t rules_generation = store ? store->config_generation() : 0;
    load_rules();
    sensors->start();
    events::rules::Dispatcher dispatcher(engine, host.triggers(), [&] {
        if (!store) return;
        int64_t now = store->config_generation();
        if (now == rules_generation) return;
        rules_generation = now;
        load_rules();
        core::log::info("rules read again: {} rule(s)", engine.size());
    });

    auto continued = host.control().continue_orphans();
    std::cout << "packhost serving on http://"
              << (address.find(':') != std::string::npos ? "[" + address + "]" : address) << ":" << server.port()
              << " (pid " << ::getpid() << "): " << host.catalog().loaded().size() << " pack(s), "
              << host.registry().list().size() << " action(s), " << engine.size() << " rule(s), " << timers->size()
              << " timer(s), " << sensors->size() << " sensor(s)" << (slack ? ", Slack at /chatops/slack/events" : "")
              << (irc ? ", IRC on " + irc_server : "") << "; continuing " << continued.size()
              << " unfinished workflow(s)" << (no_auth ? "; no authentication" : "") << std::endl;
    for (const auto& e : continued)
        std::cout << "continuing " << e->id() << " (" << e->action().ref << ")" << std::endl;
    wait_for_stop_signal();

    std::cout << "packhost stopping: no new requests; waiting up to " << drain_seconds << " s for running executions"
              << std::endl;
    if (irc) irc->stop();
    server.stop();
    sensors->stop();  // each sensor's stop() has returned: nothing dispatches any more
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(drain_seconds);
    while (host.scheduler().unfinished() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // What did not finish in time is recorded as abandoned, saying why;
    // workflows stay recorded for the next start to continue.
    if (chat) {
        // Results of what finished are posted; then nothing posts any more.
        chat->wait_idle(std::chrono::seconds(5));
        chat.reset();
        slack.reset();
        irc.reset();
    }
    size_t left = host.scheduler().abandon_unfinished(
        "packhost serve stopped before the execution finished (it waited " +
            std::to_string(settings.number("serve.drain_seconds")) + " s)",
        [&host](const executions::Execution& e) {
            return host.runner_types().capabilities(e.action().runner_type).resumable;
        });
    std::cout << "packhost stopped" << (left ? "; " + std::to_string(left) + " execution(s) abandoned" : "")
              << "; unfinished workflows stay recorded for the next start" << std::endl;
}

}  // namespace

void add_serve_command(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<ServeArgs>();
    auto* cmd = app.add_subcommand("serve",
                                   "Run as a long-lived host: StackStorm's REST API on --bind, continue workflows "
                                   "left unfinished by ended processes, take cancel/pause/resume requests; until "
                                   "SIGINT or SIGTERM");
    cmd->add_option("--bind", args->bind,
                    "ADDRESS:PORT to answer HTTP on (default: $PACKHOST_BIND, api.bind, else 127.0.0.1:9101)");
    cmd->add_flag("--no-auth", args->no_auth, "Accept requests without an API key (loopback addresses only)");
    cmd->add_option("--drain-seconds", args->drain_seconds,
                    "On stop, how long running executions may take to finish (default 30)");
    cmd->add_option("--http-threads", args->http_threads, "I/O threads of the HTTP server (default 2)");
    cmd->add_option("--max-body-bytes", args->max_body_bytes, "Largest request body accepted (default 1 MiB)");
    cmd->callback([&ctx, args] {
        try {
            serve(ctx, *args);
        } catch (const core::ValidationError& e) {
            ctx.exit_code = usage_error(ctx, e.problems());
        } catch (const std::runtime_error& e) {
            std::cerr << "error: " << e.what() << "\n";
            ctx.exit_code = kExitFailed;
        }
    });
}

}  // namespace packhost::cli

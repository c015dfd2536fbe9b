// packhost chat [--user NAME] [--channel C]: the console adapter. Each line
// of stdin is a chat message from NAME in C; the bot's answers are printed
// as they come. With a terminal, a prompt; without one (echo '!help' |
// packhost chat) it reads to the end, waits for the results of what it
// started, and exits: the quickest way to try aliases, and scriptable.
#include <unistd.h>

#include <iostream>
#include <mutex>

#include "chatops/chat_core.hpp"
#include "cli/chat_setup.hpp"
#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "events/event_bus.hpp"
#include "host.hpp"

namespace packhost::cli {
namespace {

class ConsoleAdapter final : public chatops::Adapter {
public:
    const std::string& name() const override { return name_; }
    void post(const chatops::Reply& reply) override {
        std::lock_guard lock(mu_);
        std::cout << reply.text << std::endl;
    }

private:
    const std::string name_ = "console";
    std::mutex mu_;
};

struct ChatArgs {
    std::string user;
    std::string channel = "console";
    int wait_seconds = 300;
};

int chat(AppContext& ctx, const ChatArgs& args) {
    // chatops.post_message announces on the host's bus; the console posts it.
    ctx.events = std::make_unique<events::EventBus>();
    auto& host = ctx.host();
    if (!host.store()) return usage_error(ctx, {"chat needs the store (a packhost home) to see executions end"});
    auto index = loaded_aliases(ctx);
    auto options = chat_options(ctx.settings);
    ConsoleAdapter console;
    chatops::ChatCore core(host, std::move(index), options);
    core.add_adapter(console);
    std::string user = args.user;
    if (user.empty()) {
        const char* u = std::getenv("USER");
        user = u && *u ? u : "console";
    }
    bool interactive = ::isatty(STDIN_FILENO) != 0;
    std::string line;
    while (true) {
        if (interactive) std::cout << user << "> " << std::flush;
        if (!std::getline(std::cin, line)) break;
        core.receive({"console", user, args.channel, "", line});
        // A prompt after the answers to this line (those that come at once).
        if (interactive) core.wait_idle(std::chrono::milliseconds(500));
    }
    if (!core.wait_idle(std::chrono::seconds(args.wait_seconds))) {
        std::cerr << "warning: some executions had not ended after " << args.wait_seconds
                  << " s; their results were not printed ('packhost execution list' has them)\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace

void add_chat_command(CLI::App& app, AppContext& ctx) {
    auto args = std::make_shared<ChatArgs>();
    auto* cmd = app.add_subcommand("chat", "Talk to the bot on the console: each line of stdin is a chat message");
    cmd->add_option("--user,-u", args->user, "Who is speaking (default: $USER)");
    cmd->add_option("--channel,-c", args->channel, "The channel the messages are in (default: console)");
    cmd->add_option("--wait", args->wait_seconds, "At the end of input, how long to wait for results (default 300 s)");
    cmd->callback([&ctx, args] { ctx.exit_code = chat(ctx, *args); });
}

}  // namespace packhost::cli

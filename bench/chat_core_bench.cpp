// Inside the bot (issue: ChatOps): from a chat message handed to the chat
// core to the reply handed to the adapter, with no network, on a host like
// serve's (the SQLite history on, the bundled packs): `!echo xN` matched,
// core.echo run, its result rendered and posted. The IRC round trip
// (bench/chat_irc.sh) is this plus the IRC transport both ways. Messages
// back to back and spaced out (threads asleep in between), 0.2 s apart as
// over IRC.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "chatops/aliases/alias.hpp"
#include "chatops/chat_core.hpp"
#include "host.hpp"
#include "packs/discovery.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

class Recorder final : public packhost::chatops::Adapter {
public:
    const std::string& name() const override { return name_; }
    void post(const packhost::chatops::Reply& reply) override {
        std::lock_guard lock(mu_);
        last_ = reply.text;
        cv_.notify_all();
    }
    bool wait_for(const std::string& text) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return last_ == text; });
    }

private:
    const std::string name_ = "bench";
    std::mutex mu_;
    std::condition_variable cv_;
    std::string last_;
};

struct Times {
    double median_us, p99_us;
};

Times round_trips(packhost::chatops::ChatCore& core, Recorder& adapter, size_t count, std::chrono::microseconds gap,
                  size_t& failures) {
    std::vector<double> us;
    for (size_t i = 0; i < count; ++i) {
        std::string word = "x" + std::to_string(i);
        auto t0 = clock_type::now();
        core.receive({"bench", "alice", "#bench", "", "!echo " + word, false});
        if (!adapter.wait_for(word)) ++failures;
        us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
        if (gap.count() > 0) std::this_thread::sleep_for(gap);
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

}  // namespace

int main() {
    const std::string self = self_path();
    auto dir = std::filesystem::temp_directory_path() / ("packhost-chat-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    size_t failures = 0;
    Times hot{}, spaced{}, idle{};
    {
        packhost::HostOptions options;
        options.packs_path = packhost::packs::default_search_path(self);
        options.store_file = dir / "packhost.db";
        packhost::Host host(options);
        std::vector<std::string> problems;
        auto aliases = packhost::chatops::aliases::load_pack_aliases(host.catalog(), problems);
        packhost::chatops::ChatCore core(host, packhost::chatops::aliases::AliasIndex(std::move(aliases), problems),
                                         {});
        Recorder adapter;
        core.add_adapter(adapter);
        round_trips(core, adapter, 200, std::chrono::microseconds(0), failures);  // warm up
        hot = round_trips(core, adapter, 2000, std::chrono::microseconds(0), failures);
        spaced = round_trips(core, adapter, 300, std::chrono::microseconds(20000), failures);
        // As bench/chat_irc.sh sends them: CPUs idle long enough to lose what they had cached.
        idle = round_trips(core, adapter, 100, std::chrono::microseconds(200000), failures);
        core.wait_idle(std::chrono::seconds(10));
        host.shutdown();
    }
    std::filesystem::remove_all(dir);
    std::printf("== Inside the bot: message to reply, no network (SQLite history on)\n");
    std::printf("%-52s median %7.1f us   p99 %7.1f us\n", "!echo x, back to back", hot.median_us, hot.p99_us);
    std::printf("%-52s median %7.1f us   p99 %7.1f us\n", "!echo x, one every 20 ms (threads asleep between)",
                spaced.median_us, spaced.p99_us);
    std::printf("%-52s median %7.1f us   p99 %7.1f us\n", "!echo x, one every 0.2 s (as over IRC)", idle.median_us,
                idle.p99_us);
    if (failures) std::printf("%zu replies did not come\n", failures);
    return failures ? 1 : 0;
}

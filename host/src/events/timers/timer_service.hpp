#pragma once
// The timers rules ask for: one per distinct (timer type, parameters) among
// the enabled rules on core.st2.IntervalTimer, DateTimer and CronTimer.
// Each firing emits an instance of its type carrying those parameters, so
// only the rules that asked see it (the engine indexes them so), with
// StackStorm's payload {executed_at, schedule}. The waiting is done by the
// runtime the service runs on (packhost serve: the HTTP server's I/O
// threads); this class decides when.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "events/timers/schedule.hpp"
#include "http/server.hpp"

namespace packhost::events::timers {

struct TimerRequest {
    std::string type;
    Json parameters = Json::object();
};

class TimerService {
public:
    // Calls `fn` at `when_us` (µs since the epoch) and returns an id for `cancel`.
    using At = std::function<uint64_t(int64_t when_us, std::function<void()> fn)>;
    using Cancel = std::function<void(uint64_t id)>;
    using Emit = std::function<void(const std::string& type, Json payload, Json parameters)>;
    using Now = std::function<int64_t()>;

    TimerService(At at, Cancel cancel, Emit emit, Now now);
    // Waiting on `server`'s I/O threads, by the system clock: packhost
    // serve's one runtime. The server outlives the service.
    static std::unique_ptr<TimerService> on_server(http::Server& server, Emit emit);
    ~TimerService();
    TimerService(const TimerService&) = delete;
    TimerService& operator=(const TimerService&) = delete;

    // Runs exactly these timers from now on: one already running keeps its
    // schedule (an interval is not restarted by a reload), one no longer
    // asked for stops. A request whose parameters are wrong is left out
    // with the reason in `problems`.
    void set(const std::vector<TimerRequest>& wanted, std::vector<std::string>& problems);
    size_t size() const;

private:
    struct Timer;
    struct Shared;
    // Static: a firing may outlive the service (it then finds nothing).
    static void arm(const std::shared_ptr<Shared>& shared, const std::string& key, int64_t after_us);
    static void fire(const std::shared_ptr<Shared>& shared, const std::string& key,
                     const std::shared_ptr<uint64_t>& armed_id);

    std::shared_ptr<Shared> shared_;
};

}  // namespace packhost::events::timers

#pragma once
// Starting, waiting for, canceling, pausing, resuming and re-running
// executions — run by this process, by another packhost process, or left
// behind by one that ended — in one place, which the CLI calls today and the
// REST API, rules and chat will call next. An execution whose process ended
// is claimed (the store hands it to one process) before anything is done to
// it, so `cancel` here and `resume` or `serve` elsewhere never both act on it.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actions/registry.hpp"
#include "actions/runner_registry.hpp"
#include "core/secret_box.hpp"
#include "core/status.hpp"
#include "executions/scheduler.hpp"
#include "store/store.hpp"

namespace packhost::executions {

class ControlService {
public:
    // All outlive the service; `store` and `secrets` may be null (memory only).
    ControlService(Scheduler& scheduler, const actions::RunnerRegistry& runners, store::Store* store,
                   const core::SecretBox* secrets);
    ~ControlService();
    ControlService(const ControlService&) = delete;
    ControlService& operator=(const ControlService&) = delete;

    std::shared_ptr<Execution> start(Request request) { return scheduler_.submit(std::move(request)); }
    // Without waiting for a durable request's record (Scheduler::submit):
    // what serves many requests on a few threads uses this.
    void start(Request request, Scheduler::Accepted accepted) {
        scheduler_.submit(std::move(request), std::move(accepted));
    }

    // The request that runs a recorded execution's action again with its
    // parameters, secret ones included (unsealed). Throws core::NotFound for
    // an unknown id, core::ValidationError when its secrets cannot be read.
    Request re_run_request(const std::string& id);

    // The execution's record: live from this process, else from the store.
    std::optional<store::ExecutionRecord> record(const std::string& id);

    // What a cancel, pause or resume came to.
    struct Outcome {
        enum class Kind {
            done,              // the execution reached what was asked
            already_finished,  // it had completed before the request
            still_pending,     // asked, but not reached within the time given
        };
        Kind kind = Kind::done;
        store::ExecutionRecord record;         // as it stands now
        std::shared_ptr<Execution> continued;  // resume: taken over and running here
    };

    // Here: canceled at once (cooperatively). In another live process: asked
    // through the store, waited for until it ends or `timeout`. Left by an
    // ended process: claimed and closed as canceled here.
    Outcome cancel(const std::string& id, std::chrono::milliseconds timeout);
    // Workflows only (core::ValidationError otherwise): pausing waits until
    // it is paused (its running tasks ended); resuming until it runs again.
    // A workflow an ended process left is claimed and continued here.
    Outcome pause(const std::string& id, std::chrono::milliseconds timeout);
    Outcome resume(const std::string& id, std::chrono::milliseconds timeout);

    // Continues the top-level executions ended processes left unfinished
    // whose runner can go on from what it recorded (or only `only_id`);
    // returns them, running here.
    std::vector<std::shared_ptr<Execution>> continue_orphans(const std::string& only_id = "");

    // Waits until `id`'s record satisfies `reached` or `timeout` passes,
    // looking again at growing intervals (20 ms to 200 ms); returns the last
    // record seen. Live executions of this process are waited for directly.
    std::optional<store::ExecutionRecord> wait(const std::string& id,
                                               const std::function<bool(const store::ExecutionRecord&)>& reached,
                                               std::chrono::milliseconds timeout);

    // Takes, every 200 ms until stop(), the requests other processes left in
    // the store for executions this process runs.
    void listen();
    void stop();

private:
    Outcome control(const std::string& id, core::Control kind, std::chrono::milliseconds timeout);
    void take_requests();

    Scheduler& scheduler_;
    const actions::RunnerRegistry& runners_;
    store::Store* store_;
    const core::SecretBox* secrets_;

    std::thread listener_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
};

}  // namespace packhost::executions

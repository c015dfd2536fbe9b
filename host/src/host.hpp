#pragma once
// The composition root: packs, actions, executions and the services packs
// call back into, wired together in the one order that works.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actions/registry.hpp"
#include "actions/runner_registry.hpp"
#include "events/event_bus.hpp"
#include "events/sensors/sensor_container.hpp"
#include "events/trigger_queue.hpp"
#include "events/trigger_types.hpp"
#include "executions/control_service.hpp"
#include "executions/scheduler.hpp"
#include "packs/catalog.hpp"
#include "packs/host_services.hpp"
#include "core/secret_box.hpp"
#include "store/datastore.hpp"
#include "store/store.hpp"

namespace packhost {

struct HostOptions {
    std::vector<std::filesystem::path> packs_path;
    // Persistent state: the SQLite store and the key for secrets. Empty
    // paths: executions live in memory only (tests, benchmarks).
    std::filesystem::path store_file;
    std::filesystem::path key_file;
    std::filesystem::path configs_dir;  // <pack>.yaml site configurations
    // What the packs said when last read (packs/pack_index.hpp); empty:
    // every pack is read, and its library loaded, at start.
    std::filesystem::path pack_index_file;
    // Finished executions older than this are purged when the host starts (0: keep all).
    std::chrono::seconds retention{0};
    // Bytes of each output stream a script's result keeps (0: the default, 4 MiB).
    size_t output_cap = 0;
    executions::SchedulerOptions scheduler;
    packs::AbiVersion abi;  // what the host announces; tests lower/raise it
    size_t trigger_queue_capacity = 10000;
    // Where what happens is published (packhost serve's event stream); the
    // bus outlives the host. Null: nothing is published.
    events::EventBus* events = nullptr;
};

class Host final : public packs::HostServices {
public:
    explicit Host(HostOptions options);
    ~Host() override;
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    const packs::Catalog& catalog() const { return catalog_; }
    // Every runner type, with what it can do.
    const actions::RunnerRegistry& runner_types() const { return runner_types_; }
    // A top-level execution another process may continue after its own ended.
    bool is_resumable(const store::ExecutionRecord& r) const;
    const actions::Registry& registry() const { return registry_; }
    executions::Scheduler& scheduler() { return *scheduler_; }
    store::Store* store() { return store_.get(); }
    // nullptr when the host runs without a store.
    store::Datastore* datastore() { return datastore_.get(); }
    const core::SecretBox* secrets() const { return secrets_ ? &*secrets_ : nullptr; }
    // Executions of earlier processes found unfinished at start, now abandoned.
    const std::vector<std::string>& abandoned_at_start() const { return abandoned_at_start_; }
    events::TriggerQueue& triggers() { return triggers_; }
    // Where what happens is published; null when nothing is.
    events::EventBus* events() const { return options_.events; }
    const events::TriggerTypes& trigger_types() const { return trigger_types_; }

    // What became of a trigger instance handed to emit_trigger.
    struct Emitted {
        enum class Outcome { queued, busy, rejected };
        Outcome outcome = Outcome::queued;
        std::string id;      // empty when busy
        std::string reason;  // why it was rejected
    };
    // A trigger instance of a known trigger type: checked against the
    // type's payload schema, recorded, queued for the rules. One that fails
    // the schema is recorded as rejected with the reason and goes no
    // further; one the full queue refuses is recorded as refused. `parameters`:
    // which trigger of a parametrized type it is (a webhook's {url}, a
    // timer's schedule), matched against rules' trigger.parameters. Throws
    // core::NotFound for an unknown type.
    Emitted emit_trigger(const std::string& ref, Json payload, Json parameters = Json::object());
    // The system triggers some rule listens to (finished executions,
    // datastore changes): only those are emitted, so that a host without
    // such rules does not record one trigger instance per execution.
    void set_wanted_system_triggers(std::set<std::string> refs);
    bool wants_system_trigger(const std::string& ref) const;

    // The loaded packs' native sensors, for a SensorContainer: each starts
    // with its pack's config, templates rendered ({{ st2kv.system.X }}).
    std::vector<events::sensors::SensorSpec> sensor_specs();

    // Start, wait for, cancel, pause, resume, re-run: here or in other processes.
    executions::ControlService& control() { return *control_; }

    // Stops executions, then lets each pack shut down. Returns the number of
    // worker threads abandoned inside actions that would not stop; when it
    // is nonzero the process must not unwind further (pack code still runs)
    // and should _exit.
    size_t shutdown();

    // packs::HostServices
    void log(const std::string& pack, uint32_t level, std::string_view message) override;
    ph_rc datastore_get(const std::string& pack, std::string_view key, uint32_t flags, std::string& value) override;
    ph_rc datastore_set(const std::string& pack, std::string_view key, std::string_view value, int64_t ttl_seconds,
                        uint32_t flags) override;
    ph_rc datastore_delete(const std::string& pack, std::string_view key, uint32_t flags) override;
    ph_rc dispatch_trigger(const std::string& pack, std::string_view trigger, std::string_view payload) override;

private:
    void add_pack_trigger_types(const packs::LoadedPack& pack);
    // core.st2.generic.actiontrigger for a finished execution (asked only while wanted).
    void on_execution_end(const store::ExecutionRecord& record);
    // core.st2.key_value_pair.* for a datastore change, when wanted.
    void on_key_change(const std::optional<store::KeyValue>& before, const std::optional<store::KeyValue>& after);

    HostOptions options_;
    std::unique_ptr<store::Store> store_;
    std::optional<core::SecretBox> secrets_;
    std::unique_ptr<store::Datastore> datastore_;
    std::vector<std::string> abandoned_at_start_;
    events::TriggerQueue triggers_;
    events::TriggerTypes trigger_types_;
    mutable std::mutex wanted_mu_;
    std::set<std::string> wanted_system_triggers_;
    // Asked on every execution's end and datastore write: flags, not the set.
    std::atomic<bool> wants_key_triggers_{false};
    std::atomic<bool> wants_action_triggers_{false};
    actions::RunnerRegistry runner_types_;
    packs::Catalog catalog_;
    actions::Registry registry_;
    std::unique_ptr<executions::Scheduler> scheduler_;
    std::unique_ptr<executions::ControlService> control_;
    bool shut_down_ = false;
};

}  // namespace packhost

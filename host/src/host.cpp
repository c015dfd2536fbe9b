#include "host.hpp"

#include "actions/parameter_rendering.hpp"
#include "actions/runners/native.hpp"
#include "actions/runners/process.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "events/announcement_runner.hpp"
#include "events/finished_executions.hpp"
#include "events/publishing_store.hpp"
#include "executions/execution_runners.hpp"
#include "executions/record_view.hpp"
#include "store/key_value_view.hpp"
#include "workflows/workflow_runners.hpp"

namespace packhost {
namespace {

// What a pack directory holds that should have given it actions: a library,
// a build file, an actions/ folder. Empty when there is nothing such, or the
// pack is a native one with sensors or trigger types only.
std::string unused_pack_content(const packs::LoadedPack& pack) {
    if (pack.native && (!pack.native->sensors.empty() || !pack.native->trigger_types.empty())) return "";
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pack.metadata.dir, ec)) {
        if (e.path().extension() == ".so") return "a library (" + e.path().filename().string() + ")";
    }
    if (fs::exists(pack.metadata.dir / "CMakeLists.txt", ec)) return "a CMakeLists.txt";
    if (fs::is_directory(pack.metadata.dir / "actions", ec)) return "an actions/ folder";
    return "";
}

}  // namespace

bool Host::is_resumable(const store::ExecutionRecord& r) const {
    return r.parent.empty() && runner_types_.capabilities(r.runner_type).resumable;
}

Host::Host(HostOptions options)
    // Nothing consumes trigger instances yet (the rules engine will): keep
    // the newest rather than answer "busy" forever.
    : options_(std::move(options)),
      triggers_(options_.trigger_queue_capacity, events::TriggerQueue::WhenFull::drop_oldest) {
    actions::register_action_runners(runner_types_);
    workflows::register_workflow_runners(runner_types_);
    events::register_announcement_runner(runner_types_, options_.events);
    // Looked up when one runs: the control service comes last.
    executions::register_execution_runners(runner_types_,
                                           {[this](const std::string& id) -> std::optional<Json> {
                                                auto record = control().record(id);
                                                if (!record) return std::nullopt;
                                                return executions::record_view(*record);
                                            },
                                            [this](const std::string& ref) { return registry_.find(ref); }});
    if (options_.output_cap > 0) actions::set_output_cap(options_.output_cap);
    if (!options_.store_file.empty()) {
        store_ = store::open_sqlite_store(options_.store_file.string());
        if (options_.events) store_ = events::publishing_store(std::move(store_), *options_.events);
        store_ = events::watch_finished_executions(
            std::move(store_), [this] { return wants_action_triggers_.load(std::memory_order_relaxed); },
            [this](const store::ExecutionRecord& r) { on_execution_end(r); });
        // A workflow is kept for `packhost serve` or `execution resume` to
        // continue; everything else an ended process left running is lost.
        // A host killed with -9 leaves its scripts running under PID 1: their
        // process groups are ended here, and the record says so.
        abandoned_at_start_ = store_->abandon_orphans(
            store::owner_alive, "the packhost process running it ended before the execution finished",
            [this](const store::ExecutionRecord& r) { return is_resumable(r); },
            [](const store::ExecutionRecord& r) -> std::string {
                if (!actions::end_process_group(r.process, std::chrono::seconds(2))) return "";
                std::string group = r.process.substr(0, r.process.find(':'));
                core::log::warn("execution {} ({}): ended process group {}, which it had left running", r.id, r.action,
                                group);
                return "; the processes it had left running (process group " + group + ") were ended";
            });
        if (!abandoned_at_start_.empty()) {
            core::log::warn("{} execution(s) of an earlier packhost process marked abandoned",
                            abandoned_at_start_.size());
        }
    }
    if (store_ && options_.retention.count() > 0) {
        size_t purged = store_->purge(core::now_us() - options_.retention.count() * 1000000);
        if (purged > 0) core::log::info("retention: purged {} finished execution(s)", purged);
    }
    if (!options_.key_file.empty()) secrets_ = core::SecretBox::open(options_.key_file);
    if (store_ && secrets_) {
        datastore_ = std::make_unique<store::Datastore>(*store_, *secrets_);
        datastore_->watch({[this] { return wants_key_triggers_.load(); },
                           [this](const auto& before, const auto& after) { on_key_change(before, after); }});
    }
    std::optional<packs::PackIndex> index;
    if (!options_.pack_index_file.empty()) {
        index = packs::PackIndex::open(options_.pack_index_file, packs::index_build(options_.abi));
    }
    catalog_ =
        packs::Catalog::load(options_.packs_path, *this, options_.abi, options_.configs_dir, index ? &*index : nullptr);
    // Copy the list: refusing a pack edits the catalog.
    auto loaded = catalog_.loaded();
    for (const auto& pack : loaded) {
        try {
            registry_.add_pack(pack, runner_types_);
        } catch (const std::exception& e) {
            catalog_.refuse(pack->metadata.ref, e.what());
            continue;
        }
        add_pack_trigger_types(*pack);
        if (registry_.count(pack->metadata.ref) > 0) continue;
        if (auto what = unused_pack_content(*pack); !what.empty()) {
            catalog_.warn(pack->metadata.dir.string() + ": has " + what +
                          " but no loadable actions (a native library "
                          "is loaded when it is named lib" +
                          pack->metadata.ref + ".so or in manifest.json)");
        }
    }
    if (index) {
        // Only packs that loaded completely: one refused is read again next time.
        std::vector<std::filesystem::path> loaded_dirs;
        for (const auto& pack : catalog_.loaded()) loaded_dirs.push_back(pack->metadata.dir);
        index->save(loaded_dirs);
    }
    options_.scheduler.store = store_.get();
    options_.scheduler.secrets = secrets();
    options_.scheduler.datastore = datastore_.get();
    scheduler_ = std::make_unique<executions::Scheduler>(registry_, options_.scheduler);
    control_ = std::make_unique<executions::ControlService>(*scheduler_, runner_types_, store_.get(), secrets());
    control_->listen();  // requests other packhost processes leave in the store
}

Host::~Host() {
    shutdown();
    // Packs keep their tables for the process: they must not reach this host any more.
    for (const auto& pack : catalog_.loaded()) {
        if (pack->host_table) pack->host_table->detach(*this);
    }
    for (const auto& refused : catalog_.refused()) {
        if (refused.host_table) refused.host_table->detach(*this);
    }
}

size_t Host::shutdown() {
    if (shut_down_) return 0;
    shut_down_ = true;
    control_->stop();
    size_t abandoned = scheduler_->shutdown();
    if (abandoned > 0) return abandoned;  // pack code is still running: no shutdown hooks
    for (const auto& pack : catalog_.loaded()) {
        // A library never mapped (described by the pack index) has nothing to shut down.
        if (!pack->link || !pack->link->loaded()) continue;
        const auto& lib = pack->link->get();
        if (lib.shutdown) lib.shutdown(lib.shutdown_user);
    }
    return 0;
}

void Host::log(const std::string& pack, uint32_t level, std::string_view message) {
    core::log::Level lvl;
    switch (level) {
    case PH_LOG_TRACE: lvl = core::log::Level::trace; break;
    case PH_LOG_DEBUG: lvl = core::log::Level::debug; break;
    case PH_LOG_INFO: lvl = core::log::Level::info; break;
    case PH_LOG_WARN: lvl = core::log::Level::warn; break;
    default: lvl = core::log::Level::error; break;
    }
    core::log::at(lvl, "[pack {}] {}", pack, message);
}

namespace {

// The datastore options an ABI call asks for; user scope means the user of
// the execution running on this thread (the system user outside one).
store::Datastore::Options kv_options(uint32_t flags, uint32_t secret_flag) {
    store::Datastore::Options opt;
    if (flags & PH_KV_SCOPE_USER) {
        opt.scope = "user";
        const std::string* user = actions::current_invocation_user();
        opt.user = user ? *user : "packhost";
    }
    opt.secret = (flags & secret_flag) != 0;
    return opt;
}

}  // namespace

ph_rc Host::datastore_get(const std::string& pack, std::string_view key, uint32_t flags, std::string& value) {
    if (!datastore_) return PH_ERR_UNAVAILABLE;
    try {
        auto kv = datastore_->get(std::string(key), kv_options(flags, PH_KV_DECRYPT));
        if (!kv) return PH_ERR_NOT_FOUND;
        value = std::move(kv->value);
        return PH_OK;
    } catch (const std::exception& e) {
        core::log::warn("[pack {}] datastore get '{}': {}", pack, key, e.what());
        return PH_ERR_INVALID_ARGUMENT;
    }
}

ph_rc Host::datastore_set(const std::string& pack, std::string_view key, std::string_view value, int64_t ttl_seconds,
                          uint32_t flags) {
    if (!datastore_) return PH_ERR_UNAVAILABLE;
    try {
        datastore_->set(std::string(key), std::string(value), std::chrono::seconds(ttl_seconds > 0 ? ttl_seconds : 0),
                        kv_options(flags, PH_KV_ENCRYPT));
        return PH_OK;
    } catch (const std::exception& e) {
        core::log::warn("[pack {}] datastore set '{}': {}", pack, key, e.what());
        return PH_ERR_INVALID_ARGUMENT;
    }
}

ph_rc Host::datastore_delete(const std::string& pack, std::string_view key, uint32_t flags) {
    if (!datastore_) return PH_ERR_UNAVAILABLE;
    try {
        return datastore_->remove(std::string(key), kv_options(flags, 0)) ? PH_OK : PH_ERR_NOT_FOUND;
    } catch (const std::exception& e) {
        core::log::warn("[pack {}] datastore delete '{}': {}", pack, key, e.what());
        return PH_ERR_INVALID_ARGUMENT;
    }
}

ph_rc Host::dispatch_trigger(const std::string& pack, std::string_view trigger, std::string_view payload) {
    std::string ref(trigger);
    if (ref.find('.') == std::string::npos) ref = pack + "." + ref;
    if (!trigger_types_.contains(ref)) {
        core::log::warn("[pack {}] dispatch of unknown trigger type '{}'", pack, ref);
        return PH_ERR_NOT_FOUND;
    }
    auto body = core::json_depth_exceeded_at(payload) == std::string::npos
                    ? Json::parse(payload, nullptr, /*allow_exceptions=*/false)
                    : Json(Json::value_t::discarded);
    if (body.is_discarded() || !body.is_object()) {
        core::log::warn("[pack {}] dispatch of '{}' with a payload that is not a JSON object", pack, ref);
        return PH_ERR_INVALID_ARGUMENT;
    }
    auto emitted = emit_trigger(ref, std::move(body));
    switch (emitted.outcome) {
    case Emitted::Outcome::busy: return PH_ERR_BUSY;
    case Emitted::Outcome::rejected:
        core::log::warn("[pack {}] trigger instance {} of '{}' rejected: {}", pack, emitted.id, ref, emitted.reason);
        return PH_ERR_INVALID_ARGUMENT;
    case Emitted::Outcome::queued: break;
    }
    return PH_OK;
}

Host::Emitted Host::emit_trigger(const std::string& ref, Json payload, Json parameters) {
    const auto* type = trigger_types_.find(ref);
    if (!type) throw core::NotFound("trigger type '" + ref + "' is not known");
    Emitted out;
    out.id = core::new_id();
    auto problems = events::TriggerTypes::check_payload(*type, payload);
    if (!problems.empty()) {
        out.outcome = Emitted::Outcome::rejected;
        for (const auto& p : problems) out.reason += (out.reason.empty() ? "" : "; ") + p;
        if (store_) {
            store_->save_trigger_instance({out.id, ref, share(std::move(payload)), core::now_us(), "rejected",
                                           std::move(parameters), out.reason});
        }
        return out;
    }
    events::TriggerInstance instance{out.id, ref, share(std::move(payload)), core::now_us(), std::move(parameters)};
    // Recorded before it is queued: the rules engine marks it processed as
    // soon as it takes it, and that later save must be the one that stays.
    store::TriggerInstanceRecord record;
    if (store_) {
        record = {out.id, ref, instance.payload, instance.occurrence_us, "pending", instance.parameters, ""};
        store_->save_trigger_instance(record);
    }
    switch (triggers_.try_push(std::move(instance))) {
    case events::TriggerQueue::Pushed::refused:
        if (store_) {
            record.status = "refused";
            record.reason = "the trigger queue was full";
            store_->save_trigger_instance(std::move(record));
        }
        return {Emitted::Outcome::busy, "", ""};
    case events::TriggerQueue::Pushed::queued_dropping_oldest: {
        uint64_t dropped = triggers_.dropped();
        if (dropped == 1 || dropped % 10000 == 0) {
            core::log::warn(
                "trigger queue full ({} instances): dropped the oldest ({} so far); no rules engine runs in this "
                "process (packhost serve runs one)",
                options_.trigger_queue_capacity, dropped);
        }
        break;
    }
    case events::TriggerQueue::Pushed::queued: break;
    }
    core::log::debug("trigger instance {} of {} queued", out.id, ref);
    return out;
}

void Host::set_wanted_system_triggers(std::set<std::string> refs) {
    std::lock_guard lock(wanted_mu_);
    wants_key_triggers_ = false;
    for (const auto& r : refs) {
        if (r.rfind("core.st2.key_value_pair.", 0) == 0) wants_key_triggers_ = true;
    }
    wants_action_triggers_ = refs.count(events::system_triggers::kActionTrigger) > 0;
    wanted_system_triggers_ = std::move(refs);
}

bool Host::wants_system_trigger(const std::string& ref) const {
    std::lock_guard lock(wanted_mu_);
    return wanted_system_triggers_.count(ref) > 0;
}

void Host::add_pack_trigger_types(const packs::LoadedPack& pack) {
    const std::string& ref = pack.metadata.ref;
    auto add = [&](events::TriggerType t) {
        try {
            trigger_types_.add(std::move(t));
        } catch (const core::ValidationError& e) {
            for (const auto& p : e.problems()) catalog_.warn("trigger type left out: " + p);
        }
    };
    if (pack.native) {
        for (const auto& t : pack.native->trigger_types) {
            try {
                add(events::native_trigger_type(ref, t.name, t.description, t.payload_schema, t.parameters_schema,
                                                pack.metadata.dir.string() + " (library)"));
            } catch (const core::ValidationError& e) {
                for (const auto& p : e.problems()) catalog_.warn("trigger type left out: " + p);
            }
        }
    }
    std::vector<std::string> problems;
    for (auto& t : events::read_pack_trigger_types(pack.metadata.dir, ref, problems)) {
        // A library's descriptor and its sensor YAML may both declare a type.
        if (trigger_types_.contains(t.ref())) continue;
        add(std::move(t));
    }
    for (const auto& p : problems) catalog_.warn("trigger type left out: " + p);
}

std::vector<events::sensors::SensorSpec> Host::sensor_specs() {
    std::vector<events::sensors::SensorSpec> out;
    for (const auto& pack : catalog_.loaded()) {
        if (!pack->native || !pack->link) continue;
        for (size_t i = 0; i < pack->native->sensors.size(); ++i) {
            const auto& described = pack->native->sensors[i];
            events::sensors::SensorSpec spec;
            spec.ref = pack->metadata.ref + "." + described.name;
            spec.description = described.description;
            spec.trigger_types = described.trigger_types;
            spec.poll_interval_seconds = described.poll_interval_seconds;
            spec.resolve = [link = pack->link, i]() -> const packs::NativeSensor& { return link->get().sensors.at(i); };
            spec.config = [this, pack]() {
                Json config = pack->config.values;
                if (datastore_) {
                    actions::TemplateScope scope;
                    scope.st2kv = datastore_->template_object("");
                    expr::TemplateCache cache;
                    config = actions::render_config(config, scope, cache);
                }
                return config.dump();
            };
            out.push_back(std::move(spec));
        }
    }
    return out;
}

void Host::on_key_change(const std::optional<store::KeyValue>& before, const std::optional<store::KeyValue>& after) {
    // StackStorm's datastore triggers: create or update (and value_change
    // when the value differs), delete; each carrying KeyValuePairAPI's shape.
    namespace st = events::system_triggers;
    auto emit = [this](const char* ref, Json payload) {
        if (!wants_system_trigger(ref)) return;
        try {
            if (emit_trigger(ref, std::move(payload)).outcome == Emitted::Outcome::busy)
                core::log::warn("the trigger queue is full: {} dropped", ref);
        } catch (const std::exception& e) {
            core::log::warn("{} not emitted: {}", ref, e.what());
        }
    };
    if (after && !before) emit(st::kKeyCreate, {{"object", store::key_value_view(*after)}});
    if (after && before) {
        emit(st::kKeyUpdate, {{"object", store::key_value_view(*after)}});
        if (before->value != after->value) {
            emit(st::kKeyValueChange,
                 {{"old_object", store::key_value_view(*before)}, {"new_object", store::key_value_view(*after)}});
        }
    }
    if (before && !after) emit(st::kKeyDelete, {{"object", store::key_value_view(*before)}});
}

void Host::on_execution_end(const store::ExecutionRecord& r) {
    // StackStorm's action sensor payload (st2actions notifier).
    Json payload = Json::object();
    payload["execution_id"] = r.id;
    payload["status"] = std::string(core::to_string(r.status));
    payload["start_timestamp"] = core::iso8601(r.start_us);
    payload["action_name"] = r.action;
    payload["action_ref"] = r.action;
    payload["runner_ref"] = r.runner_type;
    payload["parameters"] = r.parameters;
    payload["result"] = r.result;
    try {
        auto emitted = emit_trigger(events::system_triggers::kActionTrigger, std::move(payload));
        if (emitted.outcome == Emitted::Outcome::busy) {
            core::log::warn("execution {}: trigger queue full, its core.st2.generic.actiontrigger was dropped", r.id);
        }
    } catch (const std::exception& e) {
        core::log::warn("execution {}: core.st2.generic.actiontrigger not emitted: {}", r.id, e.what());
    }
}

}  // namespace packhost

#include "executions/control_service.hpp"

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"

namespace packhost::executions {
namespace {

bool reached_for(core::Control kind, const store::ExecutionRecord& r) {
    return r.end_us != 0 || core::control_reached(kind, r.status);
}

}  // namespace

ControlService::ControlService(Scheduler& scheduler, const actions::RunnerRegistry& runners, store::Store* store,
                               const core::SecretBox* secrets)
    : scheduler_(scheduler), runners_(runners), store_(store), secrets_(secrets) {}

ControlService::~ControlService() { stop(); }

std::optional<store::ExecutionRecord> ControlService::record(const std::string& id) {
    if (auto e = scheduler_.find(id)) return e->snapshot(false, nullptr);
    if (!store_) return std::nullopt;
    return store_->execution(id);
}

Request ControlService::re_run_request(const std::string& id) {
    auto r = record(id);
    if (!r) throw core::NotFound("execution '" + id + "' does not exist");
    Request request;
    request.action = r->action;
    // The stored parameters have their secrets masked; the sealed copy (or
    // the live execution) has them.
    request.parameters = r->parameters;
    if (auto e = scheduler_.find(id)) {
        request.parameters = e->parameters();
    } else if (store_) {
        if (auto stored = store_->execution(id); stored && !stored->sealed_secrets.empty()) {
            if (!secrets_) {
                throw core::ValidationError("execution " + id + " has secret parameters and no key to decrypt them");
            }
            request.parameters = core::parse_json(secrets_->unseal(stored->sealed_secrets), "sealed parameters");
        }
    }
    request.context = {{"re-run", {{"ref", id}}}};
    return request;
}

std::optional<store::ExecutionRecord> ControlService::wait(
    const std::string& id, const std::function<bool(const store::ExecutionRecord&)>& reached,
    std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(20);
    while (true) {
        auto r = record(id);
        if (!r || reached(*r) || std::chrono::steady_clock::now() >= until) return r;
        if (auto e = scheduler_.find(id); e && core::is_completed(r->status) == false) {
            // A live execution of this process: its end wakes us, other
            // statuses are looked at again shortly.
            if (e->wait_for(std::min<std::chrono::nanoseconds>(pause, until - std::chrono::steady_clock::now()))) {
                continue;
            }
        } else {
            std::this_thread::sleep_for(pause);
        }
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
}

ControlService::Outcome ControlService::control(const std::string& id, core::Control kind,
                                                std::chrono::milliseconds timeout) {
    auto r = record(id);
    if (!r) throw core::NotFound("execution '" + id + "' does not exist");
    if (kind != core::Control::cancel && !runners_.capabilities(r->runner_type).pausable) {
        std::string pausable;
        for (const auto& name : runners_.names_with([](const actions::RunnerCapabilities& c) { return c.pausable; })) {
            pausable += (pausable.empty() ? "" : ", ") + name;
        }
        throw core::ValidationError("execution " + id + " runs " + r->action + " (" + r->runner_type +
                                    "); only workflows (" + pausable + ") can be " +
                                    (kind == core::Control::pause ? "paused" : "resumed"));
    }
    Outcome out;
    if (r->end_us != 0) {
        out.kind = Outcome::Kind::already_finished;
        out.record = std::move(*r);
        return out;
    }
    if (auto e = scheduler_.find(id)) {  // ours
        switch (kind) {
        case core::Control::cancel: scheduler_.cancel(id); break;
        case core::Control::pause: scheduler_.pause(id); break;
        case core::Control::resume: scheduler_.resume(id); break;
        }
    } else if (store::owner_alive(r->owner)) {
        store_->request_control({id, kind});  // its process takes it
    } else if (store_ && store_->claim(id, r->owner, store::this_process_owner())) {
        // Its process ended: ours now, so nobody else acts on it meanwhile.
        if (kind == core::Control::cancel) {
            r->owner = store::this_process_owner();
            store::close_record(*r, core::Status::canceled,
                                {{"error", "canceled while no packhost process was running it"}}, core::now_us());
            store_->save(*r);
            store_->flush();
        } else {
            auto taken = scheduler_.continue_orphan(*r);
            core::log::info("continuing {} ({}) left unfinished by process {}", id, r->action, r->owner);
            out.continued = taken;
            // A workflow recorded as paused stays so until resumed: resume
            // was asked, so it resumes once it has settled into paused.
            if (kind == core::Control::resume) {
                wait(
                    id, [](const store::ExecutionRecord& rec) { return rec.status != core::Status::pausing; }, timeout);
                scheduler_.resume(id);
            }
        }
    } else {
        // Another process claimed it first (serve, resume); it takes requests.
        store_->request_control({id, kind});
    }
    auto now = wait(
        id, [kind](const store::ExecutionRecord& rec) { return reached_for(kind, rec); }, timeout);
    if (!now) throw core::NotFound("execution '" + id + "' does not exist");
    out.kind = reached_for(kind, *now) ? Outcome::Kind::done : Outcome::Kind::still_pending;
    out.record = std::move(*now);
    return out;
}

ControlService::Outcome ControlService::cancel(const std::string& id, std::chrono::milliseconds timeout) {
    return control(id, core::Control::cancel, timeout);
}

ControlService::Outcome ControlService::pause(const std::string& id, std::chrono::milliseconds timeout) {
    return control(id, core::Control::pause, timeout);
}

ControlService::Outcome ControlService::resume(const std::string& id, std::chrono::milliseconds timeout) {
    return control(id, core::Control::resume, timeout);
}

std::vector<std::shared_ptr<Execution>> ControlService::continue_orphans(const std::string& only_id) {
    std::vector<std::shared_ptr<Execution>> out;
    if (!store_) return out;
    for (auto& r : store_->unfinished()) {
        if (!only_id.empty() && r.id != only_id) continue;
        if (!r.parent.empty() || !runners_.capabilities(r.runner_type).resumable || store::owner_alive(r.owner))
            continue;
        if (!store_->claim(r.id, r.owner, store::this_process_owner())) continue;  // another process took it
        try {
            out.push_back(scheduler_.continue_orphan(r));
            core::log::info("continuing {} ({}) left unfinished by process {}", r.id, r.action, r.owner);
        } catch (const std::exception& e) {
            core::log::error("cannot continue {} ({}): {}", r.id, r.action, e.what());
            r.owner = store::this_process_owner();
            store::close_record(r, core::Status::abandoned, {{"error", std::string("cannot continue: ") + e.what()}},
                                core::now_us());
            store_->save(std::move(r));
        }
    }
    return out;
}

void ControlService::listen() {
    if (!store_ || listener_.joinable()) return;
    listener_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) {
            lock.unlock();
            take_requests();
            lock.lock();
        }
    });
}

void ControlService::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (listener_.joinable()) listener_.join();
}

void ControlService::take_requests() {
    try {
        for (const auto& r : store_->take_control_requests(store::this_process_owner())) {
            if (!scheduler_.find(r.execution_id)) continue;
            try {
                switch (r.kind) {
                case core::Control::cancel: scheduler_.cancel(r.execution_id); break;
                case core::Control::pause: scheduler_.pause(r.execution_id); break;
                case core::Control::resume: scheduler_.resume(r.execution_id); break;
                }
            } catch (const std::exception& e) {
                core::log::warn("{} {}: {}", core::to_string(r.kind), r.execution_id, e.what());
            }
        }
    } catch (const std::exception& e) {
        core::log::warn("control requests: {}", e.what());
    }
}

}  // namespace packhost::executions

#include "actions/runners/native.hpp"

#include <stdexcept>
#include <string>

#include <packhost/abi.h>

#include "core/json_text.hpp"
#include "packs/pack_error.hpp"

namespace packhost::actions {
namespace {

// A result larger than this fails the execution instead of exhausting memory.
constexpr size_t kMaxResultBytes = 64u << 20;
constexpr size_t kMaxErrorBytes = 1u << 20;

struct CallState {
    Invocation& invocation;
    std::string& result;
    std::string& error;
    const ph_host_v1* host = nullptr;  // the pack's services table
    bool result_overflow = false;
};

struct Sink {
    std::string* text;
    size_t cap;
    bool* overflow;
};

ph_rc write_capped(void* ctx, const char* data, size_t len) {
    auto* sink = static_cast<Sink*>(ctx);
    if (data == nullptr && len > 0) return PH_ERR_INVALID_ARGUMENT;
    if (sink->text->size() + len > sink->cap) {
        if (sink->overflow) *sink->overflow = true;
        return PH_ERR_INVALID_ARGUMENT;
    }
    sink->text->append(data, len);
    return PH_OK;
}

uint32_t is_canceled(void* call) { return static_cast<CallState*>(call)->invocation.stop_requested() ? 1u : 0u; }

void progress(void* call, uint32_t per10000, const char* msg, size_t len) {
    static_cast<CallState*>(call)->invocation.report_progress(per10000 > 10000 ? 10000 : per10000,
                                                              std::string_view(msg ? msg : "", msg ? len : 0));
}

ph_rc output(void* call, uint32_t stream, const char* chunk, size_t len) {
    if (chunk == nullptr && len > 0) return PH_ERR_INVALID_ARGUMENT;
    if (stream != PH_STREAM_STDOUT && stream != PH_STREAM_STDERR) return PH_ERR_INVALID_ARGUMENT;
    static_cast<CallState*>(call)->invocation.append_output(
        stream == PH_STREAM_STDOUT ? OutputStream::out : OutputStream::err, std::string_view(chunk ? chunk : "", len));
    return PH_OK;
}

// The error a failed invoke() wrote: plain text, or {"message": ...} whose
// other fields are kept next to the message.
Json error_result(const std::string& text, const std::string& fallback) {
    if (text.empty()) return Json{{"error", fallback}};
    if (text.front() == '{' && core::json_depth_exceeded_at(text) == std::string::npos) {
        Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.contains("message") && j["message"].is_string()) {
            Json out{{"error", j["message"]}};
            for (auto& [k, v] : j.items()) {
                if (k != "message") out[k] = v;
            }
            return out;
        }
    }
    return Json{{"error", text}};
}

thread_local const std::string* tl_invocation_user = nullptr;

// Sets the thread's current user for the length of an invoke (or of one
// datastore call made through ph_call_v1, on whichever thread makes it).
struct UserScope {
    explicit UserScope(const std::string* user) : saved(tl_invocation_user) { tl_invocation_user = user; }
    ~UserScope() { tl_invocation_user = saved; }
    const std::string* saved;
};

// ph_call_v1's datastore (ABI 1.1): the pack's host services, acting for
// the execution's user on the calling thread.
ph_rc call_datastore_get(void* call, const char* key, size_t key_len, uint32_t flags, const ph_writer_v1* out) {
    auto* state = static_cast<CallState*>(call);
    if (!state->host || !state->host->datastore_get) return PH_ERR_UNAVAILABLE;
    UserScope as(&state->invocation.user());
    return state->host->datastore_get(state->host->host, key, key_len, flags, out);
}

ph_rc call_datastore_set(void* call, const char* key, size_t key_len, const char* value, size_t value_len,
                         int64_t ttl_seconds, uint32_t flags) {
    auto* state = static_cast<CallState*>(call);
    if (!state->host || !state->host->datastore_set) return PH_ERR_UNAVAILABLE;
    UserScope as(&state->invocation.user());
    return state->host->datastore_set(state->host->host, key, key_len, value, value_len, ttl_seconds, flags);
}

ph_rc call_datastore_delete(void* call, const char* key, size_t key_len, uint32_t flags) {
    auto* state = static_cast<CallState*>(call);
    if (!state->host || !state->host->datastore_delete) return PH_ERR_UNAVAILABLE;
    UserScope as(&state->invocation.user());
    return state->host->datastore_delete(state->host->host, key, key_len, flags);
}

class NativeRunner final : public Runner {
public:
    NativeRunner(size_t index, std::shared_ptr<const packs::LoadedPack> keep) : index_(index), pack_(std::move(keep)) {}

    RunOutcome run(const Action& action, Invocation& inv) const override {
        const packs::NativeAction* native = nullptr;
        try {
            native = &pack_->link->get().actions.at(index_);
        } catch (const packs::PackError& e) {
            return {RunOutcome::Kind::failed, Json{{"error", e.what()}}};
        }
        // Reused per worker thread: no allocation per call once warm.
        thread_local std::string params, result, error;
        params.clear();
        result.clear();
        error.clear();
        try {
            core::append_json_text(params, inv.parameters());
        } catch (const std::exception& e) {
            return {RunOutcome::Kind::failed, Json{{"error", std::string("cannot serialise parameters: ") + e.what()}}};
        }

        CallState state{inv, result, error, pack_ && pack_->host_table ? pack_->host_table->get() : nullptr};
        Sink result_sink{&result, kMaxResultBytes, &state.result_overflow};
        Sink error_sink{&error, kMaxErrorBytes, nullptr};
        ph_call_v1 call{};
        call.struct_size = sizeof call;
        call.call = &state;
        call.execution_id = inv.execution_id().c_str();
        call.deadline_ns = inv.deadline_ns();
        call.is_canceled = &is_canceled;
        call.progress = &progress;
        call.output = &output;
        call.result = {sizeof(ph_writer_v1), 0, &result_sink, &write_capped};
        call.error = {sizeof(ph_writer_v1), 0, &error_sink, &write_capped};
        const std::string& ctx = inv.context_json();
        call.context_json = ctx.c_str();
        call.context_len = ctx.size();
        const std::string& config = inv.config_json();
        call.config_json = config.c_str();
        call.config_len = config.size();
        call.datastore_get = &call_datastore_get;
        call.datastore_set = &call_datastore_set;
        call.datastore_delete = &call_datastore_delete;

        ph_rc rc;
        {
            UserScope as(&inv.user());
            rc = native->invoke(native->user, params.data(), params.size(), &call);
        }

        switch (rc) {
        case PH_OK: break;
        case PH_ERR_CANCELED: return {RunOutcome::Kind::canceled, error_result(error, "canceled")};
        case PH_ERR_TIMEOUT: return {RunOutcome::Kind::timeout, error_result(error, "timed out")};
        default:
            return {RunOutcome::Kind::failed, error_result(error, "action " + action.ref + " failed with code " +
                                                                      std::to_string(rc) + " and no message")};
        }
        if (state.result_overflow) {
            return {RunOutcome::Kind::failed, Json{{"error", "action " + action.ref + " wrote a result larger than " +
                                                                 std::to_string(kMaxResultBytes >> 20) + " MiB"}}};
        }
        if (result.empty()) return {RunOutcome::Kind::succeeded, nullptr};
        try {
            return {RunOutcome::Kind::succeeded, core::parse_json(result, "action " + action.ref + "'s result")};
        } catch (const core::JsonTextError& e) {
            // The start of what it wrote, as text (stored once, not re-encoded).
            return {RunOutcome::Kind::failed, Json{{"error", e.what()}, {"raw_result", result.substr(0, 200)}}};
        }
    }

private:
    size_t index_;                                   // in the library's actions
    std::shared_ptr<const packs::LoadedPack> pack_;  // its library
};

}  // namespace

const std::string* current_invocation_user() { return tl_invocation_user; }

std::shared_ptr<const Action> make_native_action(const std::shared_ptr<const packs::LoadedPack>& holder, size_t index,
                                                 RunnerCapabilities capabilities) {
    const packs::LoadedPack& pack = *holder;
    const packs::NativeAction& native = pack.native->actions.at(index);
    auto a = std::make_shared<Action>();
    a->pack = pack.metadata.ref;
    a->name = native.name;
    a->ref = a->pack + "." + a->name;
    a->description = native.description;
    a->runner_type = "native";
    a->capabilities = capabilities;
    a->reentrant = (native.flags & PH_ACTION_REENTRANT) != 0;
    std::string where = pack.native->path.string() + ": action '" + native.name + "': parameters_schema";
    Json params = native.parameters_schema.empty() ? Json() : Json::parse(native.parameters_schema);
    a->parameters = ParameterSpec::compile(params, where);
    if (!native.output_schema.empty()) {
        a->output_schema = Json::parse(native.output_schema);
        a->output = core::JsonSchema::compile(
            a->output_schema, pack.native->path.string() + ": action '" + native.name + "': output_schema");
    }
    a->runner = std::make_shared<NativeRunner>(index, holder);
    return a;
}

}  // namespace packhost::actions

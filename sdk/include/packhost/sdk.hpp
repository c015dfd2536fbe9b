// packhost C++ SDK: write a native pack in C++ on top of the C ABI in
// packhost/abi.h. Header-only; needs C++17 and nlohmann/json.
//
//   #include <packhost/sdk.hpp>
//
//   PACKHOST_PACK("hello", "0.1.0") {
//       pack.action("greet", "Greets someone.",
//                   {{"type", "object"},
//                    {"properties", {{"name", {{"type", "string"}, {"required", true}}}}}},
//                   [](const nlohmann::json& params, packhost::sdk::Context& ctx) {
//                       ctx.log(packhost::sdk::level::info, "greeting");
//                       return nlohmann::json{{"greeting", "hello " + params["name"].get<std::string>()}};
//                   });
//   }
//
// Everything that crosses into the host goes through the C structs; the
// nlohmann objects you see here are private to the pack. An exception thrown
// by an action fails that execution with the exception's message; it never
// reaches the host.
#ifndef PACKHOST_SDK_HPP
#define PACKHOST_SDK_HPP

#include <packhost/abi.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

// The SDK is versioned with the ABI it speaks ("1.1.0").
#define PACKHOST_SDK_VERSION PH_ABI_VERSION ".0"

namespace packhost::sdk {

using json = nlohmann::json;

enum class level : uint32_t {
    trace = PH_LOG_TRACE,
    debug = PH_LOG_DEBUG,
    info = PH_LOG_INFO,
    warn = PH_LOG_WARN,
    error = PH_LOG_ERROR,
};

// Action flag: invoke may run concurrently with itself.
inline constexpr uint32_t reentrant = PH_ACTION_REENTRANT;

// Thrown by Context::check_cancel(); the SDK turns it into a canceled (or
// timed-out) execution. Do not catch it in action code unless you rethrow.
class canceled : public std::exception {
public:
    const char *what() const noexcept override { return "execution was canceled"; }
};
// The first release's spelling.
using cancelled [[deprecated("use packhost::sdk::canceled")]] = canceled;

// Throw to fail an execution with a message and structured details; the
// execution's result becomes {"error": message, "details": details}.
class action_error : public std::runtime_error {
public:
    explicit action_error(const std::string &message, json details = nullptr)
        : std::runtime_error(message), details_(std::move(details)) {}
    const json &details() const noexcept { return details_; }

private:
    json details_;
};

// Datastore options (StackStorm's scope, encrypt and decrypt).
struct kv_options {
    bool user_scope = false; // "user" scope instead of "system"
    bool secret = false;     // set: encrypt at rest; get: return plaintext
};

namespace _internal {

template <class Fn>
Fn require(Fn fn) {
    if (fn == nullptr) {
        throw std::runtime_error("packhost: host service missing");
    }
    return fn;
}

inline uint32_t kv_flags(const kv_options &opt, uint32_t secret_flag) {
    return (opt.user_scope ? PH_KV_SCOPE_USER : 0u) | (opt.secret ? secret_flag : 0u);
}

inline void check_rc(ph_rc rc, const char *what, std::string_view key) {
    if (rc == PH_OK) {
        return;
    }
    std::string msg = std::string("packhost: ") + what + " '" + std::string(key) + "' failed: ";
    switch (rc) {
    case PH_ERR_UNAVAILABLE: msg += "not available in this host"; break;
    case PH_ERR_NOT_FOUND: msg += "not found"; break;
    case PH_ERR_INVALID_ARGUMENT: msg += "invalid argument"; break;
    default: msg += "error " + std::to_string(rc); break;
    }
    throw std::runtime_error(msg);
}

inline ph_writer_v1 string_writer(std::string &target) {
    ph_writer_v1 w{};
    w.struct_size = sizeof w;
    w.ctx = &target;
    w.write = [](void *ctx, const char *data, size_t len) -> ph_rc {
        try {
            static_cast<std::string *>(ctx)->append(data, len);
            return PH_OK;
        } catch (...) {
            return PH_ERR;
        }
    };
    return w;
}

// The datastore through either table (ph_host_v1's or ph_call_v1's, ABI
// 1.1), which take the same arguments after their first.
template <class Get>
std::optional<std::string> kv_get(Get get, void *self, std::string_view key, kv_options opt) {
    std::string value;
    ph_writer_v1 out = string_writer(value);
    ph_rc rc = require(get)(self, key.data(), key.size(), kv_flags(opt, PH_KV_DECRYPT), &out);
    if (rc == PH_ERR_NOT_FOUND) {
        return std::nullopt;
    }
    check_rc(rc, "datastore get", key);
    return value;
}

template <class Set>
void kv_set(Set set, void *self, std::string_view key, std::string_view value,
            std::chrono::seconds ttl, kv_options opt) {
    check_rc(require(set)(self, key.data(), key.size(), value.data(), value.size(), ttl.count(),
                          kv_flags(opt, PH_KV_ENCRYPT)),
             "datastore set", key);
}

template <class Delete>
bool kv_delete(Delete del, void *self, std::string_view key, kv_options opt) {
    ph_rc rc = require(del)(self, key.data(), key.size(), kv_flags(opt, 0));
    if (rc == PH_ERR_NOT_FOUND) {
        return false;
    }
    check_rc(rc, "datastore delete", key);
    return true;
}

} // namespace _internal

// The host's services, valid for the life of the process and usable from
// any thread. With kv_options::user_scope, its datastore acts for the
// execution's user only on the thread running the action; an action's
// other threads use Context's datastore instead.
class Host {
public:
    Host() = default;
    explicit Host(const ph_host_v1 *host) {
        if (host == nullptr) {
            return;
        }
        std::memcpy(&h_, host, std::min<size_t>(host->struct_size, sizeof h_));
        h_.struct_size = sizeof h_;
    }

    void log(level lvl, std::string_view message) const {
        if (h_.log != nullptr) {
            h_.log(h_.host, static_cast<uint32_t>(lvl), message.data(), message.size());
        }
    }

    // The value of `key`, or nullopt when it does not exist. Throws
    // std::runtime_error when the host has no datastore.
    std::optional<std::string> kv_get(std::string_view key, kv_options opt = {}) const {
        return _internal::kv_get(h_.datastore_get, h_.host, key, opt);
    }

    // ttl <= 0 seconds means the key never expires.
    void kv_set(std::string_view key, std::string_view value, std::chrono::seconds ttl = {},
                kv_options opt = {}) const {
        _internal::kv_set(h_.datastore_set, h_.host, key, value, ttl, opt);
    }

    // Returns false when the key did not exist.
    bool kv_delete(std::string_view key, kv_options opt = {}) const {
        return _internal::kv_delete(h_.datastore_delete, h_.host, key, opt);
    }

    // Emits a trigger instance; returns false when the host's queue is full.
    bool dispatch(std::string_view trigger, const json &payload) const {
        std::string text = payload.dump();
        ph_rc rc = _internal::require(h_.dispatch_trigger)(h_.host, trigger.data(), trigger.size(),
                                                           text.data(), text.size());
        if (rc == PH_ERR_BUSY) {
            return false;
        }
        _internal::check_rc(rc, "dispatch", trigger);
        return true;
    }

    const ph_host_v1 &raw() const noexcept { return h_; }

    static ph_writer_v1 string_writer(std::string &target) {
        return _internal::string_writer(target);
    }

private:
    ph_host_v1 h_{};
};

// What an action sees of its execution. Valid only during the call.
class Context {
public:
    Context(const ph_call_v1 *call, const Host &host) : host_(host) {
        std::memcpy(&c_, call, std::min<size_t>(call->struct_size, sizeof c_));
    }

    std::string_view execution_id() const { return c_.execution_id ? c_.execution_id : ""; }

    // True once the execution was canceled or its deadline passed.
    bool canceled() const { return c_.is_canceled != nullptr && c_.is_canceled(c_.call) != 0; }
    [[deprecated("use canceled()")]] bool cancelled() const { return canceled(); }

    // Throws packhost::sdk::canceled when canceled() is true.
    void check_cancel() const {
        if (canceled()) {
            throw sdk::canceled();
        }
    }

    // Time left before the deadline; nullopt when there is none.
    std::optional<std::chrono::nanoseconds> remaining() const {
        if (c_.deadline_ns == 0) {
            return std::nullopt;
        }
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t left = c_.deadline_ns - (int64_t(now.tv_sec) * 1000000000 + now.tv_nsec);
        return std::chrono::nanoseconds(left > 0 ? left : 0);
    }
    bool deadline_passed() const {
        auto left = remaining();
        return left && left->count() == 0;
    }

    // fraction in [0, 1].
    void progress(double fraction, std::string_view message = {}) const {
        if (c_.progress == nullptr) {
            return;
        }
        double clamped = fraction < 0 ? 0 : (fraction > 1 ? 1 : fraction);
        c_.progress(c_.call, static_cast<uint32_t>(clamped * 10000 + 0.5), message.data(),
                    message.size());
    }

    void write_stdout(std::string_view chunk) const { output(PH_STREAM_STDOUT, chunk); }
    void write_stderr(std::string_view chunk) const { output(PH_STREAM_STDERR, chunk); }

    void log(level lvl, std::string_view message) const { host_.log(lvl, message); }

    // The datastore for this execution: with kv_options::user_scope, the
    // user it runs for, also from threads the action started (joined
    // before it returns). A host older than ABI 1.1 has only Host's.
    std::optional<std::string> kv_get(std::string_view key, kv_options opt = {}) const {
        if (c_.datastore_get == nullptr) {
            return host_.kv_get(key, opt);
        }
        return _internal::kv_get(c_.datastore_get, c_.call, key, opt);
    }
    void kv_set(std::string_view key, std::string_view value, std::chrono::seconds ttl = {},
                kv_options opt = {}) const {
        if (c_.datastore_set == nullptr) {
            host_.kv_set(key, value, ttl, opt);
            return;
        }
        _internal::kv_set(c_.datastore_set, c_.call, key, value, ttl, opt);
    }
    bool kv_delete(std::string_view key, kv_options opt = {}) const {
        if (c_.datastore_delete == nullptr) {
            return host_.kv_delete(key, opt);
        }
        return _internal::kv_delete(c_.datastore_delete, c_.call, key, opt);
    }

    // The pack's site configuration ({} when none).
    const json &config() const { return parsed(config_, c_.config_json, c_.config_len); }
    // StackStorm's action_context: user, pack, parent...
    const json &action_context() const {
        return parsed(action_context_, c_.context_json, c_.context_len);
    }

    const Host &host() const { return host_; }

private:
    void output(uint32_t stream, std::string_view chunk) const {
        if (c_.output != nullptr) {
            c_.output(c_.call, stream, chunk.data(), chunk.size());
        }
    }
    static const json &parsed(std::optional<json> &slot, const char *text, size_t len) {
        if (!slot) {
            slot = (text != nullptr && len > 0) ? json::parse(text, text + len) : json::object();
        }
        return *slot;
    }

    ph_call_v1 c_{};
    const Host &host_;
    mutable std::optional<json> config_;
    mutable std::optional<json> action_context_;
};

using action_fn = std::function<json(const json &params, Context &ctx)>;

// One running instance of a sensor: subclass it and register it with
// Pack::sensor. A passive sensor (poll interval 0) starts its own threads
// in start() and ends them in stop(); a polling one does a round of work in
// poll(), which the host calls every poll interval from a thread of its
// own. Emit trigger instances with dispatch() from any thread. Whatever
// start() or poll() throws is reported by the host, which stops the
// instance and starts a new one after a growing delay; keep what must
// survive that (a last-seen id) in the datastore (host().kv_set).
class Sensor {
public:
    virtual ~Sensor() = default;
    // Once per instance, from a host thread, with the pack's config.
    virtual void start(const json &config) { (void)config; }
    // Polling sensors: one round.
    virtual void poll() {}
    // Must not return while a thread of this instance can still dispatch.
    virtual void stop() {}

    const Host &host() const { return *host_; }
    // A trigger type of this pack by name, or any by "pack.name"; false
    // when the host's queue is full. Throws when the host refuses it (an
    // unknown type, a payload its schema rejects).
    bool dispatch(std::string_view trigger, const json &payload) const {
        return host_->dispatch(trigger, payload);
    }

private:
    friend struct _internal_sensor_access;
    const Host *host_ = nullptr;
};

struct _internal_sensor_access {
    static void bind(Sensor &s, const Host &h) { s.host_ = &h; }
};

class Pack;

namespace _internal {

// Storage behind one ph_action_v1: the strings it points to and the
// callable. Lives for the process (packs are never unloaded).
struct action_slot {
    std::string name, description, parameters, output_schema;
    action_fn fn;
    const Host *host = nullptr;
    ph_action_v1 desc{};
};

struct trigger_slot {
    std::string name, description, payload_schema, parameters_schema;
    ph_trigger_type_v1 desc{};
};

struct sensor_slot {
    std::string name, description, trigger_types; // trigger_types: a JSON array of refs
    std::function<std::unique_ptr<Sensor>()> make;
    const Host *host = nullptr;
    ph_sensor_v1 desc{};
};

inline void write(const ph_writer_v1 *w, std::string_view text) noexcept {
    if (w != nullptr && w->write != nullptr) {
        w->write(w->ctx, text.data(), text.size());
    }
}

inline std::string schema_text(const json &schema) {
    return schema.is_null() ? std::string() : schema.dump();
}

// Index of the first byte of `s` that is not part of well-formed UTF-8, or npos.
inline size_t invalid_utf8_at(const std::string &s) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xE  ? 3
                   : (c >> 3) == 0x1E ? 4
                                      : 0;
        if (n == 0 || i + n > s.size()) {
            return i;
        }
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t k = 1; k < n; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return i;
        }
        i += n;
    }
    return std::string::npos;
}

// What makes `v` unfit to be a result, naming where it is ("result.items[2]
// is NaN"), or "" when it is fine. JSON has no NaN or infinity, and a
// string must be UTF-8: rather than let the JSON writer turn them into
// null and U+FFFD silently, the execution fails saying which and where.
inline std::string result_problem(const json &v, const std::string &where, int depth = 0) {
    if (depth > 128) {
        return where + " nests deeper than 128 levels";
    }
    switch (v.type()) {
    case json::value_t::number_float:
        if (!std::isfinite(v.get<double>())) {
            return where + " is " + (std::isnan(v.get<double>()) ? "NaN" : "infinite") +
                   ", which JSON cannot hold";
        }
        return "";
    case json::value_t::string: {
        size_t at = invalid_utf8_at(v.get_ref<const std::string &>());
        if (at != std::string::npos) {
            return where + " is not valid UTF-8 (at byte " + std::to_string(at) + ")";
        }
        return "";
    }
    case json::value_t::array:
        for (size_t i = 0; i < v.size(); ++i) {
            std::string p = result_problem(v[i], where + "[" + std::to_string(i) + "]", depth + 1);
            if (!p.empty()) {
                return p;
            }
        }
        return "";
    case json::value_t::object:
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (invalid_utf8_at(it.key()) != std::string::npos) {
                return where + " has a key that is not valid UTF-8";
            }
            std::string p = result_problem(it.value(), where + "." + it.key(), depth + 1);
            if (!p.empty()) {
                return p;
            }
        }
        return "";
    default: return "";
    }
}

inline ph_rc invoke(void *user, const char *params, size_t params_len,
                    const ph_call_v1 *call) noexcept {
    auto *slot = static_cast<action_slot *>(user);
    try {
        Context ctx(call, *slot->host);
        try {
            json p = params_len > 0 ? json::parse(params, params + params_len) : json::object();
            json r = slot->fn(p, ctx);
            std::string problem = result_problem(r, "result");
            if (!problem.empty()) {
                write(&call->error, "the action returned an invalid result: " + problem);
                return PH_ERR;
            }
            write(&call->result, r.dump());
            return PH_OK;
        } catch (const canceled &e) {
            write(&call->error, e.what());
            return ctx.deadline_passed() ? PH_ERR_TIMEOUT : PH_ERR_CANCELED;
        } catch (const action_error &e) {
            json err{{"message", e.what()}};
            if (!e.details().is_null()) {
                err["details"] = e.details();
            }
            write(&call->error, err.dump(-1, ' ', false, json::error_handler_t::replace));
            return PH_ERR;
        }
    } catch (const std::exception &e) {
        write(&call->error, e.what());
    } catch (...) {
        write(&call->error, "unknown exception thrown by the action");
    }
    return PH_ERR;
}

inline ph_rc sensor_start(void *user, const char *config, size_t config_len, void **instance,
                          const ph_writer_v1 *error) noexcept {
    auto *slot = static_cast<sensor_slot *>(user);
    try {
        std::unique_ptr<Sensor> s = slot->make();
        _internal_sensor_access::bind(*s, *slot->host);
        s->start(config_len > 0 ? json::parse(config, config + config_len) : json::object());
        *instance = s.release();
        return PH_OK;
    } catch (const std::exception &e) {
        write(error, e.what());
    } catch (...) {
        write(error, "unknown exception thrown by the sensor's start");
    }
    return PH_ERR;
}

inline ph_rc sensor_poll(void *, void *instance, const ph_writer_v1 *error) noexcept {
    try {
        static_cast<Sensor *>(instance)->poll();
        return PH_OK;
    } catch (const std::exception &e) {
        write(error, e.what());
    } catch (...) {
        write(error, "unknown exception thrown by the sensor's poll");
    }
    return PH_ERR;
}

inline ph_rc sensor_stop(void *, void *instance) noexcept {
    std::unique_ptr<Sensor> s(static_cast<Sensor *>(instance));
    try {
        s->stop();
        return PH_OK;
    } catch (...) {
        return PH_ERR;
    }
}

template <class T, class = void>
struct has_reentrant : std::false_type {};
template <class T>
struct has_reentrant<T, std::void_t<decltype(T::reentrant)>> : std::true_type {};

template <class T, class = void>
struct has_description : std::false_type {};
template <class T>
struct has_description<T, std::void_t<decltype(T::description)>> : std::true_type {};

template <class T, class = void>
struct has_parameters : std::false_type {};
template <class T>
struct has_parameters<T, std::void_t<decltype(T::parameters())>> : std::true_type {};

} // namespace _internal

// The pack being defined inside PACKHOST_PACK { ... }.
class Pack {
public:
    Pack(const ph_host_v1 *host, std::string name, std::string version)
        : host_(host), name_(std::move(name)), version_(std::move(version)) {}
    Pack(const Pack &) = delete;
    Pack &operator=(const Pack &) = delete;

    // Lambda style. `parameters_schema` is a JSON Schema object (see
    // ph_action_v1.parameters_schema); null means "no parameters".
    Pack &action(std::string name, std::string description, json parameters_schema, action_fn fn,
                 uint32_t flags = 0, json output_schema = nullptr) {
        auto slot = std::make_unique<_internal::action_slot>();
        slot->name = std::move(name);
        slot->description = std::move(description);
        slot->parameters = _internal::schema_text(parameters_schema);
        slot->output_schema = _internal::schema_text(output_schema);
        slot->fn = std::move(fn);
        slot->host = &host_;
        slot->desc.struct_size = sizeof(ph_action_v1);
        slot->desc.flags = flags;
        actions_.push_back(std::move(slot));
        return *this;
    }

    // Class style. T needs `static constexpr const char* name`, a member
    // `json invoke(const json& params, Context& ctx)`, and may have
    // `static constexpr const char* description`, `static json parameters()`
    // and `static constexpr bool reentrant`. One instance of T serves every
    // call (concurrently only when reentrant is true).
    template <class T>
    Pack &action() {
        static_assert(std::is_same_v<decltype(&T::invoke), json (T::*)(const json &, Context &)>,
                      "expected signature: json invoke(const json& params, Context& ctx)");
        auto instance = std::make_shared<T>();
        std::string description;
        if constexpr (_internal::has_description<T>::value) {
            description = T::description;
        }
        json params = nullptr;
        if constexpr (_internal::has_parameters<T>::value) {
            params = T::parameters();
        }
        uint32_t flags = 0;
        if constexpr (_internal::has_reentrant<T>::value) {
            flags = T::reentrant ? PH_ACTION_REENTRANT : 0;
        }
        return action(
            T::name, std::move(description), std::move(params),
            [instance](const json &p, Context &ctx) { return instance->invoke(p, ctx); }, flags);
    }

    // A trigger type this pack emits (through Host::dispatch).
    Pack &trigger_type(std::string name, std::string description, json payload_schema = nullptr,
                       json parameters_schema = nullptr) {
        auto slot = std::make_unique<_internal::trigger_slot>();
        slot->name = std::move(name);
        slot->description = std::move(description);
        slot->payload_schema = _internal::schema_text(payload_schema);
        slot->parameters_schema = _internal::schema_text(parameters_schema);
        slot->desc.struct_size = sizeof(ph_trigger_type_v1);
        triggers_.push_back(std::move(slot));
        return *this;
    }

    // A sensor emitting `trigger_types` (names of this pack's types, or
    // "pack.name" refs): polled every `poll_interval_seconds`, or passive
    // when 0. `make` creates one instance each time the host starts it.
    Pack &sensor(std::string name, std::string description, std::vector<std::string> trigger_types,
                 uint32_t poll_interval_seconds, std::function<std::unique_ptr<Sensor>()> make) {
        auto slot = std::make_unique<_internal::sensor_slot>();
        slot->name = std::move(name);
        slot->description = std::move(description);
        json refs = json::array();
        for (auto &t : trigger_types) {
            refs.push_back(t.find('.') == std::string::npos ? name_ + "." + t : t);
        }
        slot->trigger_types = refs.dump();
        slot->make = std::move(make);
        slot->host = &host_;
        slot->desc.struct_size = sizeof(ph_sensor_v1);
        slot->desc.poll_interval_seconds = poll_interval_seconds;
        sensors_.push_back(std::move(slot));
        return *this;
    }

    // Class style: T derives from Sensor and is default-constructible.
    template <class T>
    Pack &sensor(std::string name, std::string description, std::vector<std::string> trigger_types,
                 uint32_t poll_interval_seconds = 0) {
        static_assert(std::is_base_of_v<Sensor, T>, "a sensor derives from packhost::sdk::Sensor");
        return sensor(std::move(name), std::move(description), std::move(trigger_types),
                      poll_interval_seconds, [] { return std::unique_ptr<Sensor>(new T()); });
    }

    // Runs once at host shutdown, after every execution has ended.
    Pack &on_shutdown(std::function<void()> fn) {
        shutdown_ = std::move(fn);
        return *this;
    }

    const Host &host() const { return host_; }

    // Builds the C descriptor; the SDK's entry point calls it once.
    const ph_pack_v1 *descriptor() {
        action_ptrs_.clear();
        for (auto &a : actions_) {
            a->desc.name = a->name.c_str();
            a->desc.description = a->description.c_str();
            a->desc.parameters_schema = a->parameters.empty() ? nullptr : a->parameters.c_str();
            a->desc.output_schema = a->output_schema.empty() ? nullptr : a->output_schema.c_str();
            a->desc.user = a.get();
            a->desc.invoke = &_internal::invoke;
            action_ptrs_.push_back(&a->desc);
        }
        trigger_ptrs_.clear();
        for (auto &t : triggers_) {
            t->desc.name = t->name.c_str();
            t->desc.description = t->description.c_str();
            t->desc.payload_schema =
                t->payload_schema.empty() ? nullptr : t->payload_schema.c_str();
            t->desc.parameters_schema =
                t->parameters_schema.empty() ? nullptr : t->parameters_schema.c_str();
            trigger_ptrs_.push_back(&t->desc);
        }
        sensor_ptrs_.clear();
        for (auto &sn : sensors_) {
            sn->desc.name = sn->name.c_str();
            sn->desc.description = sn->description.c_str();
            sn->desc.trigger_types = sn->trigger_types.c_str();
            sn->desc.user = sn.get();
            sn->desc.start = &_internal::sensor_start;
            sn->desc.poll = sn->desc.poll_interval_seconds > 0 ? &_internal::sensor_poll : nullptr;
            sn->desc.stop = &_internal::sensor_stop;
            sensor_ptrs_.push_back(&sn->desc);
        }
        desc_ = ph_pack_v1{};
        desc_.struct_size = sizeof desc_;
        desc_.abi_major = PH_ABI_MAJOR;
        desc_.abi_minor = PH_ABI_MINOR;
        desc_.name = name_.c_str();
        desc_.version = version_.c_str();
        desc_.sdk_version = "packhost-sdk " PACKHOST_SDK_VERSION;
        desc_.build_info = build_info();
        desc_.action_count = static_cast<uint32_t>(action_ptrs_.size());
        desc_.actions = action_ptrs_.data();
        desc_.trigger_type_count = static_cast<uint32_t>(trigger_ptrs_.size());
        desc_.trigger_types = trigger_ptrs_.data();
        desc_.sensor_count = static_cast<uint32_t>(sensor_ptrs_.size());
        desc_.sensors = sensor_ptrs_.data();
        desc_.shutdown = [](void *user) {
            auto *self = static_cast<Pack *>(user);
            if (self->shutdown_) {
                try {
                    self->shutdown_();
                } catch (...) {
                    self->host_.log(level::error, "shutdown handler threw");
                }
            }
        };
        desc_.shutdown_user = this;
        return &desc_;
    }

private:
    static const char *build_info() {
#define PACKHOST_SDK_STR2(x) #x
#define PACKHOST_SDK_STR(x) PACKHOST_SDK_STR2(x)
        return
#if defined(__clang__)
            "clang++ " __clang_version__
#elif defined(__GNUC__)
            "g++ " __VERSION__
#else
            "unknown compiler"
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI)
            "; cxx11abi=" PACKHOST_SDK_STR(_GLIBCXX_USE_CXX11_ABI)
#endif
            "; nlohmann_json " PACKHOST_SDK_STR(NLOHMANN_JSON_VERSION_MAJOR) "." PACKHOST_SDK_STR(
                NLOHMANN_JSON_VERSION_MINOR) "." PACKHOST_SDK_STR(NLOHMANN_JSON_VERSION_PATCH);
#undef PACKHOST_SDK_STR
#undef PACKHOST_SDK_STR2
    }

    Host host_;
    std::string name_, version_;
    std::vector<std::unique_ptr<_internal::action_slot>> actions_;
    std::vector<std::unique_ptr<_internal::trigger_slot>> triggers_;
    std::vector<std::unique_ptr<_internal::sensor_slot>> sensors_;
    std::vector<const ph_action_v1 *> action_ptrs_;
    std::vector<const ph_trigger_type_v1 *> trigger_ptrs_;
    std::vector<const ph_sensor_v1 *> sensor_ptrs_;
    std::function<void()> shutdown_;
    ph_pack_v1 desc_{};
};

namespace _internal {

inline ph_rc entry(const ph_host_v1 *host, const ph_pack_v1 **out, const ph_writer_v1 *error,
                   const char *name, const char *version, void (*define)(Pack &)) noexcept {
    if (host == nullptr || out == nullptr) {
        return PH_ERR_INVALID_ARGUMENT;
    }
    if (host->abi_major != PH_ABI_MAJOR) {
        write(error, "pack was built for packhost ABI major " + std::to_string(PH_ABI_MAJOR) +
                         ", host has " + std::to_string(host->abi_major));
        return PH_ERR_INCOMPATIBLE;
    }
    try {
        // Never destroyed: the host keeps function pointers into it for the
        // life of the process.
        static Pack *pack = nullptr;
        if (pack == nullptr) {
            auto *fresh = new Pack(host, name, version);
            define(*fresh);
            pack = fresh;
        }
        *out = pack->descriptor();
        return PH_OK;
    } catch (const std::exception &e) {
        write(error, std::string("pack definition failed: ") + e.what());
    } catch (...) {
        write(error, "pack definition failed with an unknown exception");
    }
    return PH_ERR;
}

} // namespace _internal
} // namespace packhost::sdk

// Defines the pack and its entry point. Follow it with a block that fills
// `pack` (a packhost::sdk::Pack&). NAME and VERSION must match pack.yaml's
// ref and version.
#define PACKHOST_PACK(NAME, VERSION)                                                          \
    static void packhost_define_pack_(::packhost::sdk::Pack &pack);                           \
    extern "C" PH_EXPORT ph_rc packhost_pack_entry_v1(                                        \
        const ph_host_v1 *host, const ph_pack_v1 **out, const ph_writer_v1 *error) noexcept { \
        return ::packhost::sdk::_internal::entry(host, out, error, NAME, VERSION,             \
                                                 &packhost_define_pack_);                     \
    }                                                                                         \
    static void packhost_define_pack_(::packhost::sdk::Pack &pack)

#endif // PACKHOST_SDK_HPP

#include "core/json_value.hpp"
#include "packs/native_library.hpp"

#include <cstring>
#include <deque>
#include <mutex>
#include <set>

#include <boost/dll/shared_library.hpp>

#include "core/json_text.hpp"
#include "packs/pack_error.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;

// Libraries stay mapped for the life of the process (never dlclose'd).
// Held here rather than leaked so the handles stay reachable.
std::mutex resident_mutex;
std::deque<boost::dll::shared_library>& resident() {
    static auto* libs = new std::deque<boost::dll::shared_library>();
    return *libs;
}

// The OBS pattern: copy what the pack filled into a zeroed struct of our
// own size, so fields a smaller (older) struct lacks read as zero.
template <class T>
T copy_struct(const T* from, const std::string& what, size_t minimum_size) {
    T local;
    std::memset(&local, 0, sizeof local);
    if (from == nullptr) throw PackError(what + " is NULL");
    if (from->struct_size < minimum_size) {
        throw PackError(what + " has struct_size " + std::to_string(from->struct_size) + ", smaller than the " +
                        std::to_string(minimum_size) + " bytes v1.0 requires");
    }
    std::memcpy(&local, from, std::min<size_t>(from->struct_size, sizeof local));
    return local;
}

std::string text(const char* s) { return s ? std::string(s) : std::string(); }

// Boost.DLL wraps dlopen's message as "boost::dll::shared_library::load()
// failed (dlerror system message: <path>: <why>): <errno text>", where the
// errno text is left over from something else. dlopen's own words only.
std::string dlopen_reason(const std::string& what, const std::string& path) {
    const std::string open = "(dlerror system message: ";
    size_t b = what.find(open);
    size_t e = what.rfind("): ");
    if (b == std::string::npos || e == std::string::npos || e < b) return what;
    std::string reason = what.substr(b + open.size(), e - b - open.size());
    if (reason.rfind(path + ": ", 0) == 0) reason = reason.substr(path.size() + 2);
    return reason;
}

bool valid_name(const std::string& name) {
    if (name.empty()) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

void check_json(const std::string& value, const std::string& what) {
    if (value.empty()) return;
    if (core::json_depth_exceeded_at(value) != std::string::npos) {
        throw PackError(what + " is nested deeper than " + std::to_string(core::kMaxJsonDepth) + " levels");
    }
    if (!Json::accept(value)) throw PackError(what + " is not valid JSON");
}

// Every descriptor's minimum size: everything v1.0 defines. A later minor
// only appends, so an older pack's structs are never smaller than this.
constexpr size_t kPackMin = offsetof(ph_pack_v1, shutdown_user) + sizeof(void*);
constexpr size_t kActionMin = offsetof(ph_action_v1, invoke) + sizeof(void*);
constexpr size_t kTriggerMin = offsetof(ph_trigger_type_v1, parameters_schema) + sizeof(void*);
constexpr size_t kSensorMin = offsetof(ph_sensor_v1, stop) + sizeof(void*);

}  // namespace

std::optional<std::string> abi_refusal(AbiVersion host, AbiVersion pack) {
    std::string p = std::to_string(pack.major) + "." + std::to_string(pack.minor);
    std::string h = std::to_string(host.major) + "." + std::to_string(host.minor);
    if (pack.major != host.major) {
        return "built for packhost ABI " + p + ", but this host speaks ABI " + h +
               " (the major version must match; rebuild the pack against this SDK)";
    }
    if (pack.minor > host.minor) {
        return "built for packhost ABI " + p + ", newer than this host's ABI " + h +
               " (upgrade packhost or rebuild the pack against an older SDK)";
    }
    return std::nullopt;
}

ph_writer_v1 message_writer(std::string& into) {
    ph_writer_v1 w{};
    w.struct_size = sizeof w;
    w.ctx = &into;
    w.write = [](void* ctx, const char* data, size_t len) -> ph_rc {
        auto* s = static_cast<std::string*>(ctx);
        if (s->size() + len > 64 * 1024) return PH_ERR_INVALID_ARGUMENT;
        s->append(data, len);
        return PH_OK;
    };
    return w;
}

NativeLibrary load_native_library(const fs::path& so, const ph_host_v1* host, AbiVersion host_abi) {
    const std::string where = so.string();
    boost::dll::shared_library lib;
    try {
        lib.load(boost::dll::fs::path(so.string()),
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw PackError(where + ": cannot be loaded: " + dlopen_reason(e.what(), where));
    }
    if (!lib.has(PH_ENTRY_SYMBOL_V1)) {
        // Keep it mapped anyway: its static constructors already ran.
        std::lock_guard lock(resident_mutex);
        resident().push_back(std::move(lib));
        throw PackError(where + ": does not export " PH_ENTRY_SYMBOL_V1
                                " (build it with packhost_add_pack and PACKHOST_PACK)");
    }
    auto entry = lib.get<std::remove_pointer_t<ph_pack_entry_v1_fn>>(PH_ENTRY_SYMBOL_V1);
    {
        std::lock_guard lock(resident_mutex);
        resident().push_back(std::move(lib));
    }

    std::string error;
    ph_writer_v1 err = message_writer(error);
    const ph_pack_v1* raw = nullptr;
    ph_rc rc = entry(host, &raw, &err);
    if (rc != PH_OK) {
        std::string reason = error.empty() ? "no reason given" : error;
        if (rc == PH_ERR_INCOMPATIBLE) {
            throw PackError(where + ": refused this host's ABI " + std::to_string(host_abi.major) + "." +
                            std::to_string(host_abi.minor) + ": " + reason);
        }
        throw PackError(where + ": entry point failed (code " + std::to_string(rc) + "): " + reason);
    }

    auto desc = copy_struct(raw, where + ": pack descriptor", kPackMin);
    NativeLibrary out;
    out.path = so;
    out.abi = {desc.abi_major, desc.abi_minor};
    if (auto why = abi_refusal(host_abi, out.abi)) throw PackError(where + ": " + *why);
    out.name = text(desc.name);
    out.version = text(desc.version);
    out.sdk_version = text(desc.sdk_version);
    out.build_info = text(desc.build_info);
    out.shutdown = desc.shutdown;
    out.shutdown_user = desc.shutdown_user;
    if (out.name.empty()) throw PackError(where + ": pack descriptor has no name");
    if (out.version.empty()) throw PackError(where + ": pack descriptor has no version");

    if (desc.action_count > 0 && desc.actions == nullptr) {
        throw PackError(where + ": action_count is " + std::to_string(desc.action_count) + " but actions is NULL");
    }
    std::set<std::string> seen;
    for (uint32_t i = 0; i < desc.action_count; ++i) {
        auto a = copy_struct(desc.actions[i], where + ": action #" + std::to_string(i), kActionMin);
        NativeAction na;
        na.name = text(a.name);
        std::string what = where + ": action '" + na.name + "'";
        if (!valid_name(na.name)) {
            throw PackError(where + ": action #" + std::to_string(i) + " has an invalid name \"" + na.name +
                            "\" (use letters, digits, '_' and '-')");
        }
        if (!seen.insert(na.name).second) throw PackError(where + ": duplicate action name '" + na.name + "'");
        if (a.invoke == nullptr) throw PackError(what + " has no invoke function");
        na.description = text(a.description);
        na.parameters_schema = text(a.parameters_schema);
        na.output_schema = text(a.output_schema);
        check_json(na.parameters_schema, what + ": parameters_schema");
        check_json(na.output_schema, what + ": output_schema");
        na.flags = a.flags;
        na.user = a.user;
        na.invoke = a.invoke;
        out.actions.push_back(std::move(na));
    }

    if (desc.trigger_type_count > 0 && desc.trigger_types == nullptr) {
        throw PackError(where + ": trigger_type_count is nonzero but trigger_types is NULL");
    }
    seen.clear();
    for (uint32_t i = 0; i < desc.trigger_type_count; ++i) {
        auto t = copy_struct(desc.trigger_types[i], where + ": trigger type #" + std::to_string(i), kTriggerMin);
        NativeTriggerType nt{text(t.name), text(t.description), text(t.payload_schema), text(t.parameters_schema)};
        if (!valid_name(nt.name))
            throw PackError(where + ": trigger type #" + std::to_string(i) + " has an invalid name");
        if (!seen.insert(nt.name).second) throw PackError(where + ": duplicate trigger type '" + nt.name + "'");
        check_json(nt.payload_schema, where + ": trigger type '" + nt.name + "': payload_schema");
        check_json(nt.parameters_schema, where + ": trigger type '" + nt.name + "': parameters_schema");
        out.trigger_types.push_back(std::move(nt));
    }

    if (desc.sensor_count > 0 && desc.sensors == nullptr) {
        throw PackError(where + ": sensor_count is nonzero but sensors is NULL");
    }
    seen.clear();
    for (uint32_t i = 0; i < desc.sensor_count; ++i) {
        auto s = copy_struct(desc.sensors[i], where + ": sensor #" + std::to_string(i), kSensorMin);
        NativeSensor ns;
        ns.name = text(s.name);
        std::string what = where + ": sensor '" + ns.name + "'";
        if (!valid_name(ns.name)) throw PackError(where + ": sensor #" + std::to_string(i) + " has an invalid name");
        if (!seen.insert(ns.name).second) throw PackError(where + ": duplicate sensor '" + ns.name + "'");
        if (s.start == nullptr || s.stop == nullptr) throw PackError(what + " needs both start and stop");
        if (s.poll_interval_seconds > 0 && s.poll == nullptr) {
            throw PackError(what + " has a poll interval but no poll function");
        }
        ns.description = text(s.description);
        try {
            auto types = Json::parse(text(s.trigger_types));
            for (const auto& t : types) ns.trigger_types.push_back(t.get<std::string>());
        } catch (const Json::exception&) {
            throw PackError(what + ": trigger_types must be a JSON array of trigger type refs");
        }
        ns.poll_interval_seconds = s.poll_interval_seconds;
        ns.user = s.user;
        ns.start = s.start;
        ns.poll = s.poll;
        ns.stop = s.stop;
        out.sensors.push_back(std::move(ns));
    }
    return out;
}

namespace {

// What get() compares: everything a cached description told the registry.
bool same_description(const NativeLibrary& a, const NativeLibrary& b) { return describe(a) == describe(b); }

}  // namespace

LibraryLink::LibraryLink(NativeLibrary loaded) : described_(loaded), loaded_(std::move(loaded)), ready_(true) {
    std::call_once(once_, [] {});
}

LibraryLink::LibraryLink(const ph_host_v1* host, AbiVersion host_abi, NativeLibrary described)
    : host_(host), abi_(host_abi), described_(std::move(described)) {}

const NativeLibrary& LibraryLink::get() const {
    std::call_once(once_, [this] {
        try {
            auto lib = load_native_library(described_.path, host_, abi_);
            if (!same_description(lib, described_)) {
                throw PackError(described_.path.string() +
                                ": was replaced after packhost read it (its actions differ); run the command again");
            }
            loaded_ = std::move(lib);
            ready_ = true;
        } catch (const PackError& e) {
            error_ = e.what();
        }
    });
    if (!loaded_) throw PackError(error_);
    return *loaded_;
}

bool LibraryLink::loaded() const { return ready_; }

Json describe(const NativeLibrary& l) {
    Json actions = Json::array();
    for (const auto& a : l.actions) {
        actions.push_back({{"name", a.name},
                           {"description", a.description},
                           {"parameters_schema", a.parameters_schema},
                           {"output_schema", a.output_schema},
                           {"flags", a.flags}});
    }
    Json triggers = Json::array();
    for (const auto& t : l.trigger_types) {
        triggers.push_back({{"name", t.name},
                            {"description", t.description},
                            {"payload_schema", t.payload_schema},
                            {"parameters_schema", t.parameters_schema}});
    }
    Json sensors = Json::array();
    for (const auto& s : l.sensors) {
        sensors.push_back({{"name", s.name},
                           {"description", s.description},
                           {"trigger_types", s.trigger_types},
                           {"poll_interval_seconds", s.poll_interval_seconds}});
    }
    return {{"path", l.path.string()},       {"abi", {l.abi.major, l.abi.minor}},    {"name", l.name},
            {"version", l.version},          {"sdk_version", l.sdk_version},         {"build_info", l.build_info},
            {"actions", std::move(actions)}, {"trigger_types", std::move(triggers)}, {"sensors", std::move(sensors)}};
}

NativeLibrary from_description(const Json& d) {
    try {
        NativeLibrary l;
        l.path = d.at("path").get<std::string>();
        l.abi = {d.at("abi").at(0).get<uint32_t>(), d.at("abi").at(1).get<uint32_t>()};
        l.name = d.at("name").get<std::string>();
        l.version = d.at("version").get<std::string>();
        l.sdk_version = d.at("sdk_version").get<std::string>();
        l.build_info = d.at("build_info").get<std::string>();
        for (const auto& a : d.at("actions")) {
            NativeAction na;
            na.name = a.at("name").get<std::string>();
            na.description = a.at("description").get<std::string>();
            na.parameters_schema = a.at("parameters_schema").get<std::string>();
            na.output_schema = a.at("output_schema").get<std::string>();
            na.flags = a.at("flags").get<uint32_t>();
            l.actions.push_back(std::move(na));
        }
        for (const auto& t : d.at("trigger_types")) {
            l.trigger_types.push_back({t.at("name").get<std::string>(), t.at("description").get<std::string>(),
                                       t.at("payload_schema").get<std::string>(),
                                       t.at("parameters_schema").get<std::string>()});
        }
        for (const auto& s : d.at("sensors")) {
            NativeSensor ns;
            ns.name = s.at("name").get<std::string>();
            ns.description = s.at("description").get<std::string>();
            ns.trigger_types = s.at("trigger_types").get<std::vector<std::string>>();
            ns.poll_interval_seconds = s.at("poll_interval_seconds").get<uint32_t>();
            l.sensors.push_back(std::move(ns));
        }
        return l;
    } catch (const Json::exception& e) {
        throw PackError(std::string("library description does not read back: ") + e.what());
    }
}

}  // namespace packhost::packs

#pragma once
// Loading a pack's shared library through the v1 ABI: Boost.DLL, version
// negotiation, and a host-owned copy of every descriptor.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <packhost/abi.h>

#include "core/json_value.hpp"

#include "packs/host_services.hpp"

namespace packhost::packs {

struct NativeAction {
    std::string name;
    std::string description;
    std::string parameters_schema;  // JSON text; empty = no parameters
    std::string output_schema;      // JSON text; empty = none
    uint32_t flags = 0;
    void* user = nullptr;
    decltype(ph_action_v1::invoke) invoke = nullptr;
};

struct NativeTriggerType {
    std::string name;
    std::string description;
    std::string payload_schema;
    std::string parameters_schema;
};

struct NativeSensor {
    std::string name;
    std::string description;
    std::vector<std::string> trigger_types;
    uint32_t poll_interval_seconds = 0;
    void* user = nullptr;
    decltype(ph_sensor_v1::start) start = nullptr;
    decltype(ph_sensor_v1::poll) poll = nullptr;
    decltype(ph_sensor_v1::stop) stop = nullptr;
};

// Why a pack with ABI `pack` cannot run on a host with ABI `host`, or
// nullopt when it can (same major, pack minor <= host minor).
std::optional<std::string> abi_refusal(AbiVersion host, AbiVersion pack);

// A loaded pack library. The library itself is never unloaded (unloading
// code that may still be referenced is how plugin hosts crash); dropping
// this object only drops the host's view of it.
struct NativeLibrary {
    std::filesystem::path path;
    AbiVersion abi;
    std::string name;
    std::string version;
    std::string sdk_version;
    std::string build_info;
    std::vector<NativeAction> actions;
    std::vector<NativeTriggerType> trigger_types;
    std::vector<NativeSensor> sensors;
    void (*shutdown)(void*) = nullptr;
    void* shutdown_user = nullptr;
};

// A writer a pack's error messages go into (64 KiB at most).
ph_writer_v1 message_writer(std::string& into);

// Loads `so`, calls its entry point with `host`, checks and copies the
// descriptor. Throws PackError naming the library and the problem.
NativeLibrary load_native_library(const std::filesystem::path& so, const ph_host_v1* host, AbiVersion host_abi);

// A pack's library as its actions reach it: loaded when the pack was read,
// or, when the pack index described it, by the first get() (a command that
// runs none of its actions never maps it). Either way the same library.
class LibraryLink {
public:
    explicit LibraryLink(NativeLibrary loaded);
    LibraryLink(const ph_host_v1* host, AbiVersion host_abi, NativeLibrary described);

    // Throws PackError when the library cannot be loaded now, or no longer
    // describes itself as it did (it was replaced since packhost started).
    const NativeLibrary& get() const;
    bool loaded() const;

private:
    const ph_host_v1* host_ = nullptr;
    AbiVersion abi_;
    NativeLibrary described_;
    mutable std::once_flag once_;
    mutable std::optional<NativeLibrary> loaded_;
    mutable std::atomic<bool> ready_{false};
    mutable std::string error_;
};

// The descriptor without its function pointers, as the pack index keeps it.
Json describe(const NativeLibrary& library);
// Throws PackError for a description that does not read back.
NativeLibrary from_description(const Json& description);

}  // namespace packhost::packs

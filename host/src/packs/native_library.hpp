#pragma once
// Loading a pack's shared library through the v1 ABI: Boost.DLL, version
// negotiation, and a host-owned copy of every descriptor.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <packhost/abi.h>

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

// Loads `so`, calls its entry point with `host`, checks and copies the
// descriptor. Throws PackError naming the library and the problem.
NativeLibrary load_native_library(const std::filesystem::path& so, const ph_host_v1* host, AbiVersion host_abi);

}  // namespace packhost::packs

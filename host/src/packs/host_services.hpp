#pragma once
// The services the host offers packs (ph_host_v1), as a C++ interface the
// composition root implements, and the C table each pack receives.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <packhost/abi.h>

namespace packhost::packs {

// Implemented by whoever owns the datastore and the trigger queue. Called
// from any thread; must not throw (the trampolines turn a throw into PH_ERR,
// but a service should answer with a code).
class HostServices {
public:
    virtual ~HostServices() = default;
    virtual void log(const std::string& pack, uint32_t level, std::string_view message) = 0;
    virtual ph_rc datastore_get(const std::string& pack, std::string_view key, uint32_t flags,
                                std::string& value) = 0;
    virtual ph_rc datastore_set(const std::string& pack, std::string_view key, std::string_view value,
                                int64_t ttl_seconds, uint32_t flags) = 0;
    virtual ph_rc datastore_delete(const std::string& pack, std::string_view key, uint32_t flags) = 0;
    virtual ph_rc dispatch_trigger(const std::string& pack, std::string_view trigger,
                                   std::string_view payload) = 0;
};

struct AbiVersion {
    uint32_t major = PH_ABI_MAJOR;
    uint32_t minor = PH_ABI_MINOR;
};

// The ph_host_v1 one pack sees, bound to that pack's name so that logs and
// bare trigger names are attributed to it. Must outlive every use by the
// pack, i.e. the process: whoever creates one keeps it for good.
class HostTable {
public:
    HostTable(HostServices& services, std::string pack, AbiVersion abi);
    HostTable(const HostTable&) = delete;
    HostTable& operator=(const HostTable&) = delete;

    const ph_host_v1* get() const { return &table_; }

private:
    HostServices& services_;
    std::string pack_;
    ph_host_v1 table_{};

    friend struct HostTableTrampolines;
};

}  // namespace packhost::packs

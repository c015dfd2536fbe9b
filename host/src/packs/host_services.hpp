#pragma once
// The services the host offers packs (ph_host_v1), as a C++ interface the
// composition root implements, and the C table each pack receives.
#include <cstdint>
#include <memory>
#include <shared_mutex>
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
    virtual ph_rc datastore_get(const std::string& pack, std::string_view key, uint32_t flags, std::string& value) = 0;
    virtual ph_rc datastore_set(const std::string& pack, std::string_view key, std::string_view value,
                                int64_t ttl_seconds, uint32_t flags) = 0;
    virtual ph_rc datastore_delete(const std::string& pack, std::string_view key, uint32_t flags) = 0;
    virtual ph_rc dispatch_trigger(const std::string& pack, std::string_view trigger, std::string_view payload) = 0;
};

struct AbiVersion {
    uint32_t major = PH_ABI_MAJOR;
    uint32_t minor = PH_ABI_MINOR;
};

// The ph_host_v1 one pack sees, bound to that pack's name so that logs and
// bare trigger names are attributed to it. A pack may keep it for the life
// of the process (packs are never unloaded), which can be longer than any
// one host object: so there is one table per pack for the process, never
// freed, serving the host attached to it (tests run several hosts, one
// after another, in one process). With none attached, the services answer
// PH_ERR_UNAVAILABLE (and log nothing).
class HostTable {
public:
    static HostTable& for_pack(const std::string& pack);

    // Serves `services`, announcing `abi`, until detach(services).
    void attach(HostServices& services, AbiVersion abi);
    // Waits for the service calls in flight.
    void detach(HostServices& services);

    const ph_host_v1* get() const { return &table_; }

private:
    explicit HostTable(std::string pack);
    HostTable(const HostTable&) = delete;
    HostTable& operator=(const HostTable&) = delete;

    std::string pack_;
    std::shared_mutex mu_;  // service calls share it; attach and detach take it whole
    HostServices* services_ = nullptr;
    ph_host_v1 table_{};

    friend struct HostTableTrampolines;
};

}  // namespace packhost::packs

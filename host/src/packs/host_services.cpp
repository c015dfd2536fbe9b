#include "packs/host_services.hpp"

#include <map>
#include <mutex>

namespace packhost::packs {

// C entry points of ph_host_v1. No exception may leave them.
struct HostTableTrampolines {
    // Calls `fn(services, pack)` for the attached host, PH_ERR_UNAVAILABLE without one.
    template <typename Fn>
    static ph_rc with(void* host, Fn&& fn) {
        auto& self = *static_cast<HostTable*>(host);
        std::shared_lock lock(self.mu_);
        if (!self.services_) return PH_ERR_UNAVAILABLE;
        try {
            return fn(*self.services_, self.pack_);
        } catch (...) {
            return PH_ERR;
        }
    }

    static void log(void* host, uint32_t level, const char* msg, size_t len) {
        with(host, [&](HostServices& s, const std::string& pack) {
            s.log(pack, level, std::string_view(msg ? msg : "", msg ? len : 0));
            return PH_OK;
        });
    }
    static ph_rc datastore_get(void* host, const char* key, size_t key_len, uint32_t flags, const ph_writer_v1* out) {
        if (key == nullptr || out == nullptr || out->write == nullptr) return PH_ERR_INVALID_ARGUMENT;
        return with(host, [&](HostServices& s, const std::string& pack) {
            std::string value;
            ph_rc rc = s.datastore_get(pack, {key, key_len}, flags, value);
            if (rc == PH_OK) rc = out->write(out->ctx, value.data(), value.size());
            return rc;
        });
    }
    static ph_rc datastore_set(void* host, const char* key, size_t key_len, const char* value, size_t value_len,
                               int64_t ttl_seconds, uint32_t flags) {
        if (key == nullptr || (value == nullptr && value_len > 0)) return PH_ERR_INVALID_ARGUMENT;
        return with(host, [&](HostServices& s, const std::string& pack) {
            return s.datastore_set(pack, {key, key_len}, {value ? value : "", value_len}, ttl_seconds, flags);
        });
    }
    static ph_rc datastore_delete(void* host, const char* key, size_t key_len, uint32_t flags) {
        if (key == nullptr) return PH_ERR_INVALID_ARGUMENT;
        return with(host, [&](HostServices& s, const std::string& pack) {
            return s.datastore_delete(pack, {key, key_len}, flags);
        });
    }
    static ph_rc dispatch_trigger(void* host, const char* trigger, size_t trigger_len, const char* payload,
                                  size_t payload_len) {
        if (trigger == nullptr || payload == nullptr) return PH_ERR_INVALID_ARGUMENT;
        return with(host, [&](HostServices& s, const std::string& pack) {
            return s.dispatch_trigger(pack, {trigger, trigger_len}, {payload, payload_len});
        });
    }
};

HostTable& HostTable::for_pack(const std::string& pack) {
    static std::mutex mu;
    // Never freed: packs keep the pointers until the process ends.
    static auto* tables = new std::map<std::string, HostTable*>();
    std::lock_guard lock(mu);
    auto it = tables->find(pack);
    if (it == tables->end()) it = tables->emplace(pack, new HostTable(pack)).first;
    return *it->second;
}

void HostTable::attach(HostServices& services, AbiVersion abi) {
    std::unique_lock lock(mu_);
    services_ = &services;
    table_.abi_major = abi.major;
    table_.abi_minor = abi.minor;
}

void HostTable::detach(HostServices& services) {
    std::unique_lock lock(mu_);
    if (services_ == &services) services_ = nullptr;
}

HostTable::HostTable(std::string pack) : pack_(std::move(pack)) {
    table_.struct_size = sizeof(ph_host_v1);
    table_.abi_major = PH_ABI_MAJOR;
    table_.abi_minor = PH_ABI_MINOR;
    table_.host = this;
    table_.host_version = "packhost " PACKHOST_VERSION;
    table_.log = &HostTableTrampolines::log;
    table_.datastore_get = &HostTableTrampolines::datastore_get;
    table_.datastore_set = &HostTableTrampolines::datastore_set;
    table_.datastore_delete = &HostTableTrampolines::datastore_delete;
    table_.dispatch_trigger = &HostTableTrampolines::dispatch_trigger;
}

}  // namespace packhost::packs

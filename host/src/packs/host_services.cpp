#include "packs/host_services.hpp"

namespace packhost::packs {

// C entry points of ph_host_v1. No exception may leave them.
struct HostTableTrampolines {
    static HostTable& self(void* host) { return *static_cast<HostTable*>(host); }

    static void log(void* host, uint32_t level, const char* msg, size_t len) {
        try {
            self(host).services_.log(self(host).pack_, level, std::string_view(msg ? msg : "", msg ? len : 0));
        } catch (...) {
        }
    }
    static ph_rc datastore_get(void* host, const char* key, size_t key_len, uint32_t flags,
                               const ph_writer_v1* out) {
        if (key == nullptr || out == nullptr || out->write == nullptr) return PH_ERR_INVALID_ARGUMENT;
        try {
            std::string value;
            ph_rc rc = self(host).services_.datastore_get(self(host).pack_, {key, key_len}, flags, value);
            if (rc == PH_OK) rc = out->write(out->ctx, value.data(), value.size());
            return rc;
        } catch (...) {
            return PH_ERR;
        }
    }
    static ph_rc datastore_set(void* host, const char* key, size_t key_len, const char* value,
                               size_t value_len, int64_t ttl_seconds, uint32_t flags) {
        if (key == nullptr || (value == nullptr && value_len > 0)) return PH_ERR_INVALID_ARGUMENT;
        try {
            return self(host).services_.datastore_set(self(host).pack_, {key, key_len},
                                                      {value ? value : "", value_len}, ttl_seconds, flags);
        } catch (...) {
            return PH_ERR;
        }
    }
    static ph_rc datastore_delete(void* host, const char* key, size_t key_len, uint32_t flags) {
        if (key == nullptr) return PH_ERR_INVALID_ARGUMENT;
        try {
            return self(host).services_.datastore_delete(self(host).pack_, {key, key_len}, flags);
        } catch (...) {
            return PH_ERR;
        }
    }
    static ph_rc dispatch_trigger(void* host, const char* trigger, size_t trigger_len,
                                  const char* payload, size_t payload_len) {
        if (trigger == nullptr || payload == nullptr) return PH_ERR_INVALID_ARGUMENT;
        try {
            return self(host).services_.dispatch_trigger(self(host).pack_, {trigger, trigger_len},
                                                         {payload, payload_len});
        } catch (...) {
            return PH_ERR;
        }
    }
};

HostTable::HostTable(HostServices& services, std::string pack, AbiVersion abi)
    : services_(services), pack_(std::move(pack)) {
    table_.struct_size = sizeof(ph_host_v1);
    table_.abi_major = abi.major;
    table_.abi_minor = abi.minor;
    table_.host = this;
    table_.host_version = "packhost " PACKHOST_VERSION;
    table_.log = &HostTableTrampolines::log;
    table_.datastore_get = &HostTableTrampolines::datastore_get;
    table_.datastore_set = &HostTableTrampolines::datastore_set;
    table_.datastore_delete = &HostTableTrampolines::datastore_delete;
    table_.dispatch_trigger = &HostTableTrampolines::dispatch_trigger;
}

}  // namespace packhost::packs

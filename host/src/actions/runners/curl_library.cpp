#include "actions/runners/curl_library.hpp"

#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/dll/shared_library.hpp>

namespace packhost::actions {
namespace {

// The soname libcurl has kept since 7.16 (2006).
constexpr const char* kSoname = "libcurl.so.4";

CurlLibrary load() {
    // Kept for the process, like a pack's library: nothing is ever unloaded.
    static boost::dll::shared_library lib;
    try {
        lib.load(kSoname, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
                              boost::dll::load_mode::search_system_folders);
        CurlLibrary c{};
        c.global_init = lib.get<CURLcode(long)>("curl_global_init");
        c.easy_init = lib.get<CURL*()>("curl_easy_init");
        c.easy_cleanup = lib.get<void(CURL*)>("curl_easy_cleanup");
        c.easy_setopt = lib.get<CURLcode(CURL*, CURLoption, ...)>("curl_easy_setopt");
        c.easy_perform = lib.get<CURLcode(CURL*)>("curl_easy_perform");
        c.easy_getinfo = lib.get<CURLcode(CURL*, CURLINFO, ...)>("curl_easy_getinfo");
        c.easy_strerror = lib.get<const char*(CURLcode)>("curl_easy_strerror");
        c.easy_escape = lib.get<char*(CURL*, const char*, int)>("curl_easy_escape");
        c.free = lib.get<void(void*)>("curl_free");
        c.slist_append = lib.get<curl_slist*(curl_slist*, const char*)>("curl_slist_append");
        c.slist_free_all = lib.get<void(curl_slist*)>("curl_slist_free_all");
        if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
        return c;
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("cannot load ") + kSoname + " (Debian package libcurl4): " + e.what());
    }
}

}  // namespace

const CurlLibrary& curl_library() {
    // A failed load is tried again by the next request (the package may
    // have been installed meanwhile).
    static std::mutex mu;
    static CurlLibrary loaded{};
    static bool ok = false;
    std::lock_guard lock(mu);
    if (!ok) {
        loaded = load();
        ok = true;
    }
    return loaded;
}

}  // namespace packhost::actions

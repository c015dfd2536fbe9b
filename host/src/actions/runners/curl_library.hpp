#pragma once
// libcurl, loaded the first time an HTTP request is made. Linked into the
// executable, libcurl and the thirty libraries it pulls in (TLS, Kerberos,
// LDAP, SSH, ...) cost every packhost command several milliseconds before
// main(), most of which never make a request.
#include <curl/curl.h>

namespace packhost::actions {

struct CurlLibrary {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    char* (*easy_escape)(CURL*, const char*, int);
    void (*free)(void*);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

// Loads libcurl.so.4 once (and curl_global_init) and never unloads it.
// Throws std::runtime_error naming the library and why it could not be
// loaded (Debian's package is libcurl4).
const CurlLibrary& curl_library();

}  // namespace packhost::actions

#pragma once
// HTTP for the OpenStack APIs, on libcurl: one easy handle per thread, so
// that connections to Keystone and Nova are kept alive between calls.
#include <map>
#include <stdexcept>
#include <string>

namespace openstack {

struct HttpOptions {
    long timeout_seconds = 30;
    bool verify_ssl = true;
    std::string ca_file;  // PEM CAs; "": the system's
};

struct TransportError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HttpResponse {
    long status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
};

// Throws openstack::TransportError for what never got an HTTP answer (a
// refused connection, a TLS failure, a timeout), saying which.
// `text` %-encoded for a URL's query.
std::string url_escape(const std::string& text);

HttpResponse http_request(const std::string& method, const std::string& url,
                          const std::map<std::string, std::string>& headers, const std::string& body,
                          const HttpOptions& options);

}  // namespace openstack

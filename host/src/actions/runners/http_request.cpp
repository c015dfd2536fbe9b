#include "actions/runners/http_request.hpp"

#include <strings.h>

#include <memory>
#include <string>

#include "actions/runners/curl_library.hpp"

#include "core/clock.hpp"
#include "core/json_text.hpp"

namespace packhost::actions {
namespace {

constexpr size_t kMaxBody = 16u << 20;

struct Transfer {
    Invocation& inv;
    std::string body;
    bool too_big = false;
    Json headers = Json::object();
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t len = size * n;
    if (t->body.size() + len > kMaxBody) {
        t->too_big = true;
        return 0;  // aborts the transfer
    }
    t->body.append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        t->headers = Json::object();  // a new response (after a redirect)
        return size * n;
    }
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t\r\n");
        t->headers[line.substr(0, colon)] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->inv.stop_requested() ? 1 : 0;
}

std::string escape(const CurlLibrary& curl, CURL* c, const std::string& s) {
    char* e = curl.easy_escape(c, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    curl.free(e);
    return out;
}

class HttpRequest final : public Runner {
public:
    RunOutcome run(const Action&, Invocation& inv) const override {
        const CurlLibrary* loaded = nullptr;
        try {
            loaded = &curl_library();
        } catch (const std::exception& e) {
            return {RunOutcome::Kind::failed, Json{{"error", e.what()}}};
        }
        const CurlLibrary& curl = *loaded;
        const Json& p = inv.parameters();
        std::unique_ptr<CURL, void (*)(CURL*)> c(curl.easy_init(), curl.easy_cleanup);
        if (!c) return {RunOutcome::Kind::failed, Json{{"error", "cannot initialise libcurl"}}};
        Transfer t{inv, {}, false, Json::object()};
        std::string url = p.value("url", std::string());
        if (url.empty()) return {RunOutcome::Kind::failed, Json{{"error", "parameter 'url' is required"}}};
        if (auto q = p.find("params"); q != p.end() && q->is_object() && !q->empty()) {
            std::string query;
            for (auto it = q->begin(); it != q->end(); ++it) {
                if (!query.empty()) query += "&";
                query +=
                    escape(curl, c.get(), it.key()) + "=" +
                    escape(curl, c.get(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
            }
            url += (url.find('?') == std::string::npos ? "?" : "&") + query;
        }
        std::string method = p.value("method", std::string("GET"));
        curl.easy_setopt(c.get(), CURLOPT_URL, url.c_str());
        curl.easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
        curl.easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl.easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);  // we are multithreaded
        if (method == "HEAD") {
            curl.easy_setopt(c.get(), CURLOPT_NOBODY, 1L);
        } else if (method != "GET") {
            curl.easy_setopt(c.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
        }
        curl_slist* header_list = nullptr;
        bool has_content_type = false;
        if (auto h = p.find("headers"); h != p.end() && h->is_object()) {
            for (auto it = h->begin(); it != h->end(); ++it) {
                std::string v = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
                header_list = curl.slist_append(header_list, (it.key() + ": " + v).c_str());
                if (::strcasecmp(it.key().c_str(), "Content-Type") == 0) has_content_type = true;
            }
        }
        std::string body;
        if (auto b = p.find("body"); b != p.end() && !b->is_null()) {
            if (b->is_string()) {
                body = b->get<std::string>();
            } else {
                body = b->dump();
                if (!has_content_type) header_list = curl.slist_append(header_list, "Content-Type: application/json");
            }
            curl.easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
            curl.easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
        }
        std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers_guard(header_list, curl.slist_free_all);
        if (header_list) curl.easy_setopt(c.get(), CURLOPT_HTTPHEADER, header_list);
        std::string user = p.value("username", std::string()), password = p.value("password", std::string());
        if (!user.empty()) {
            curl.easy_setopt(c.get(), CURLOPT_USERNAME, user.c_str());
            curl.easy_setopt(c.get(), CURLOPT_PASSWORD, password.c_str());
        }
        bool verify = p.value("verify_ssl_cert", true);
        curl.easy_setopt(c.get(), CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
        curl.easy_setopt(c.get(), CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        if (p.value("allow_redirects", false)) {
            curl.easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
            curl.easy_setopt(c.get(), CURLOPT_MAXREDIRS, 10L);
        }
        // The request's own timeout, and never past the execution's deadline.
        int64_t timeout_ms = static_cast<int64_t>(p.value("timeout", 60.0) * 1000);
        if (inv.deadline_ns() != 0) {
            int64_t left = (inv.deadline_ns() - core::monotonic_ns()) / 1000000;
            timeout_ms = std::max<int64_t>(1, timeout_ms > 0 ? std::min(timeout_ms, left) : left);
        }
        if (timeout_ms > 0) curl.easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
        curl.easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_body);
        curl.easy_setopt(c.get(), CURLOPT_WRITEDATA, &t);
        curl.easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, on_header);
        curl.easy_setopt(c.get(), CURLOPT_HEADERDATA, &t);
        curl.easy_setopt(c.get(), CURLOPT_NOPROGRESS, 0L);
        curl.easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
        curl.easy_setopt(c.get(), CURLOPT_XFERINFODATA, &t);
        char errbuf[CURL_ERROR_SIZE] = {0};
        curl.easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);

        CURLcode rc = curl.easy_perform(c.get());
        if (rc != CURLE_OK) {
            std::string why = errbuf[0] ? errbuf : curl.easy_strerror(rc);
            if (t.too_big) why = "response body larger than " + std::to_string(kMaxBody >> 20) + " MiB";
            Json err{{"error", method + " " + url + ": " + why}};
            if (rc == CURLE_OPERATION_TIMEDOUT) return {RunOutcome::Kind::timeout, err};
            if (rc == CURLE_ABORTED_BY_CALLBACK) return {RunOutcome::Kind::canceled, err};
            return {RunOutcome::Kind::failed, err};
        }
        long status = 0;
        curl.easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
        Json result{{"status_code", status}};
        // A body nested past the host's limit is kept as text.
        Json parsed = core::json_depth_exceeded_at(t.body) == std::string::npos ? Json::parse(t.body, nullptr, false)
                                                                                : Json(Json::value_t::discarded);
        bool is_json = !t.body.empty() && !parsed.is_discarded();
        result["body"] = is_json ? parsed : Json(t.body);
        result["parsed"] = is_json;
        result["headers"] = t.headers;
        return {status < 400 ? RunOutcome::Kind::succeeded : RunOutcome::Kind::failed, result};
    }
};

}  // namespace

std::shared_ptr<const Runner> make_http_request() { return std::make_shared<HttpRequest>(); }

}  // namespace packhost::actions

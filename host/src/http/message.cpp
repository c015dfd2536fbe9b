#include "http/message.hpp"

#include <cctype>

#include "core/json_text.hpp"

namespace packhost::http {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (same_name(k, name)) return v;
    }
    return {};
}

const std::string* Request::query_value(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) return &v;
    }
    return nullptr;
}

Response Response::json(int status, const Json& body) {
    Response r;
    r.status = status;
    r.body = core::to_json_text(body, 2);
    r.body += '\n';
    return r;
}

Response Response::fault(int status, const std::string& message) {
    Json body = Json::object();
    body["faultstring"] = message;
    return json(status, body);
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plus_is_space && c == '+') ? ' ' : c;
    }
    return out;
}

}  // namespace packhost::http

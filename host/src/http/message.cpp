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

Response Response::later(std::shared_ptr<Pending> pending) {
    Response r;
    r.pending = std::move(pending);
    return r;
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

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t at = 0;
    while (at <= text.size()) {
        size_t amp = text.find('&', at);
        if (amp == std::string_view::npos) amp = text.size();
        std::string_view pair = text.substr(at, amp - at);
        if (!pair.empty()) {
            size_t eq = pair.find('=');
            out.emplace_back(percent_decode(pair.substr(0, eq), true),
                             eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true));
        }
        at = amp + 1;
    }
    return out;
}

std::string_view media_type(std::string_view content_type) {
    auto base = content_type.substr(0, content_type.find(';'));
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    return base;
}

}  // namespace packhost::http

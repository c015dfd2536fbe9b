#include "actions/casting.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/errors.hpp"
#include "core/json_text.hpp"

namespace packhost::actions {
namespace {

using S = core::JsonSchema;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::optional<Json> as_integer(const std::string& t) {
    std::string s = trim(t);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return Json(v);
    return std::nullopt;
}

std::optional<Json> as_number(const std::string& t) {
    if (auto i = as_integer(t)) return i;
    std::string s = trim(t);
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
    return Json(d);
}

std::optional<Json> as_boolean(const std::string& t) {
    std::string s = lower(trim(t));
    if (s == "true" || s == "1" || s == "yes" || s == "y" || s == "on") return Json(true);
    if (s == "false" || s == "0" || s == "no" || s == "n" || s == "off") return Json(false);
    return std::nullopt;
}

// Nesting past the host's limit is an error of its own, not "not JSON".
std::optional<Json> as_json(const std::string& name, const std::string& t, Json::value_t want) {
    if (core::json_depth_exceeded_at(t) != std::string::npos) {
        throw core::ValidationError("parameter '" + name + "': nested deeper than " +
                                    std::to_string(core::kMaxJsonDepth) + " levels");
    }
    Json v = Json::parse(t, nullptr, /*allow_exceptions=*/false);
    if (!v.is_discarded() && v.type() == want) return v;
    return std::nullopt;
}

[[noreturn]] void fail(const std::string& name, const std::string& text, const char* what, bool secret) {
    std::string shown = secret ? core::kSecretMask : Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
    throw core::ValidationError("parameter '" + name + "': cannot convert " + shown + " to " + what);
}

}  // namespace

Json cast_parameter(const std::string& name, const std::string& text, const S::Node* node, ArrayText arrays) {
    if (node == nullptr || node->types == 0) return Json(text);
    uint32_t t = node->types;
    // A union such as "string|null" keeps text as text unless it says null.
    if (t & S::kString) {
        if ((t & S::kNull) && text == "null") return nullptr;
        return Json(text);
    }
    if (t & S::kInteger) {
        if (auto v = as_integer(text)) return *v;
        // 5.0 is an integer to JSON Schema; validation converts it.
        if (auto v = as_number(text); v && std::floor(v->get<double>()) == v->get<double>()) return *v;
        if (!(t & (S::kNumber | S::kBoolean | S::kArray | S::kObject | S::kNull))) {
            fail(name, text, "an integer", node->secret);
        }
    }
    if (t & S::kNumber) {
        if (auto v = as_number(text)) return *v;
        if (!(t & (S::kBoolean | S::kArray | S::kObject | S::kNull))) fail(name, text, "a number", node->secret);
    }
    if (t & S::kBoolean) {
        if (auto v = as_boolean(text)) return *v;
        if (!(t & (S::kArray | S::kObject | S::kNull))) fail(name, text, "a boolean", node->secret);
    }
    if (t & S::kArray) {
        std::string s = trim(text);
        if (arrays == ArrayText::json_or_commas && !s.empty() && s.front() == '[') {
            if (auto v = as_json(name, s, Json::value_t::array)) return *v;
            fail(name, text, "an array (invalid JSON)", node->secret);
        }
        // StackStorm's CLI form: a,b,c, each item cast to the items' type.
        Json arr = Json::array();
        if (!s.empty()) {
            size_t start = 0;
            while (true) {
                size_t comma = s.find(',', start);
                std::string item =
                    trim(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                arr.push_back(cast_parameter(name, item, node->items.get(), arrays));
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
        return arr;
    }
    if (t & S::kObject) {
        if (auto v = as_json(name, text, Json::value_t::object)) return *v;
        if (!(t & S::kNull)) fail(name, text, "an object (expected JSON such as {\"key\": \"value\"})", node->secret);
    }
    if ((t & S::kNull) && (text == "null" || text.empty())) return nullptr;
    fail(name, text, S::type_names(t).c_str(), node->secret);
}

}  // namespace packhost::actions

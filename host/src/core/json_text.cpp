#include "core/json_text.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <cmath>
#include <vector>

namespace packhost::core {
namespace {

std::string too_deep(const std::string& what, size_t limit) {
    return what + ": nested deeper than " + std::to_string(limit) + " levels";
}

template <class J>
J parse(std::string_view text, const std::string& what) {
    if (text.size() > kMaxJsonDepth) {  // shorter text cannot nest that deep
        size_t at = json_depth_exceeded_at(text, kMaxJsonDepth);
        if (at != std::string_view::npos) {
            throw JsonTextError(too_deep(what, kMaxJsonDepth) + " (at byte " + std::to_string(at) + ")");
        }
    }
    try {
        return J::parse(text.begin(), text.end());
    } catch (const typename J::parse_error& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." -> from "parse error".
        std::string msg = e.what();
        auto p = msg.find("parse error");
        throw JsonTextError(what + ": invalid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
    }
}

template <class J>
size_t depth_of(const J& value, size_t limit) {
    if (!value.is_structured()) return 0;
    // Explicit stack of (node, depth): no recursion, whatever the shape.
    std::vector<std::pair<const J*, size_t>> todo{{&value, 1}};
    size_t deepest = 0;
    while (!todo.empty()) {
        auto [node, depth] = todo.back();
        todo.pop_back();
        if (depth > deepest) deepest = depth;
        if (deepest > limit) return deepest;
        for (const auto& child : *node) {
            if (child.is_structured()) todo.emplace_back(&child, depth + 1);
        }
    }
    return deepest;
}

template <class N>
void append_integer(std::string& out, N n) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, res.ptr);
}

template <class J>
void print(const J& v, int indent, size_t depth, std::string& out) {
    if (depth > kMaxPrintDepth)
        throw JsonTextError("cannot print a value nested deeper than " + std::to_string(kMaxPrintDepth) + " levels");
    auto newline = [&](size_t level) {
        if (indent < 0) return;
        out += '\n';
        out.append(level * static_cast<size_t>(indent), ' ');
    };
    switch (v.type()) {
    case J::value_t::null: out += "null"; return;
    case J::value_t::boolean: out += v.template get<bool>() ? "true" : "false"; return;
    case J::value_t::string: append_json_string(out, v.template get_ref<const std::string&>()); return;
    case J::value_t::number_integer: append_integer(out, v.template get<int64_t>()); return;
    case J::value_t::number_unsigned: append_integer(out, v.template get<uint64_t>()); return;
    case J::value_t::number_float: out += number_text(v.template get<double>()); return;
    case J::value_t::array: {
        if (v.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& e : v) {
            if (!first) out += ',';
            first = false;
            newline(depth + 1);
            print(e, indent, depth + 1, out);
        }
        newline(depth);
        out += ']';
        return;
    }
    case J::value_t::object: {
        if (v.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!first) out += ',';
            first = false;
            newline(depth + 1);
            append_json_string(out, it.key());
            out += indent < 0 ? ":" : ": ";
            print(it.value(), indent, depth + 1, out);
        }
        newline(depth);
        out += '}';
        return;
    }
    default: out += v.dump(-1, ' ', false, J::error_handler_t::replace); return;
    }
}

}  // namespace

std::string number_text(double d) {
    if (!std::isfinite(d)) return "null";  // what nlohmann writes; JSON has no NaN
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, res.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string to_json_text(const Json& value, int indent) {
    std::string out;
    out.reserve(256);
    print(value, indent, 0, out);
    return out;
}

void append_json_text(std::string& out, const Json& value) { print(value, -1, 0, out); }

size_t json_depth_exceeded_at(std::string_view text, size_t limit) {
    size_t depth = 0;
    bool in_string = false, escaped = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"': in_string = true; break;
        case '[':
        case '{':
            if (++depth > limit) return i;
            break;
        case ']':
        case '}':
            if (depth > 0) --depth;
            break;
        default: break;
        }
    }
    return std::string_view::npos;
}

Json parse_json(std::string_view text, const std::string& what) { return parse<Json>(text, what); }

size_t json_depth(const Json& value, size_t limit) { return depth_of(value, limit); }

size_t json_memory_bytes(const Json& value) {
    size_t bytes = 0;
    std::vector<const Json*> todo{&value};
    while (!todo.empty()) {
        const Json* node = todo.back();
        todo.pop_back();
        bytes += sizeof(Json);
        if (node->is_string()) {
            bytes += node->get_ref<const std::string&>().size();
        } else if (node->is_object()) {
            // An ordered object is a vector of (key, value) pairs.
            for (auto it = node->begin(); it != node->end(); ++it) {
                bytes += sizeof(std::string) + it.key().size();
                todo.push_back(&*it);
            }
        } else if (node->is_array()) {
            for (const auto& child : *node) todo.push_back(&child);
        }
    }
    return bytes;
}

void check_json_depth(const Json& value, const std::string& what, size_t limit) {
    if (depth_of(value, limit) > limit) throw JsonTextError(too_deep(what, limit));
}

void append_json_string(std::string& out, std::string_view s) {
    // Nearly every string the host prints is printable ASCII: one table
    // lookup per byte, then one copy.
    static constexpr auto kPlain = [] {
        std::array<bool, 256> t{};
        for (int c = 0x20; c < 0x7f; ++c) t[c] = c != '"' && c != '\\';
        return t;
    }();
    size_t i = 0;
    while (i < s.size() && kPlain[static_cast<unsigned char>(s[i])]) ++i;
    if (i == s.size()) {
        size_t at = out.size();
        out.resize(at + s.size() + 2);
        char* p = out.data() + at;
        p[0] = '"';
        std::memcpy(p + 1, s.data(), s.size());
        p[s.size() + 1] = '"';
        return;
    }
    out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace packhost::core

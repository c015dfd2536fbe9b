// JSON as block-style YAML that reads back (with PyYAML, as st2 users
// would) as the same JSON. Written by hand: yaml-cpp's emitter cost more
// than the rest of `packhost run core.noop` (a regex per scalar), printed
// strings such as "123" or "yes" bare (numbers and booleans to a reader) and
// literal blocks whose first line starts with a space without the
// indentation indicator they need.
#include "cli/yaml_view.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "core/json_text.hpp"
#include "core/yaml_json.hpp"

namespace packhost::cli {
namespace {

// One UTF-8 code point at `s[i]`, advancing `i`; -1 for a byte that starts
// no well-formed sequence (it is then consumed alone).
int32_t next_code_point(std::string_view s, size_t& i) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(s[at]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
        ++i;
        return -1;
    }
    int32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms and surrogates are not UTF-8.
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return -1;
    }
    i += n;
    return cp;
}

// YAML's printable characters, less the ones YAML 1.1 reads as line breaks
// (NEL, LS, PS) and the byte order mark.
bool printable(int32_t cp) {
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xD7FF && cp != 0x2028 && cp != 0x2029) ||
           (cp >= 0xE000 && cp <= 0xFFFD && cp != 0xFEFF) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool all_printable(std::string_view s, bool newlines_and_tabs) {
    for (size_t i = 0; i < s.size();) {
        int32_t cp = next_code_point(s, i);
        if (printable(cp) || (newlines_and_tabs && (cp == '\n' || cp == '\t'))) continue;
        return false;
    }
    return true;
}

// PyYAML reads 2001-12-14 (and 2001-12-14t21:59:43.10-05:00) as a date:
// anything starting with four digits and a dash is quoted.
bool date_like(std::string_view s) {
    if (s.size() < 5 || s[4] != '-') return false;
    for (size_t i = 0; i < 4; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

// Whether `s` can be written bare and read back as this same string.
// Conservative: anything doubtful is quoted.
bool plain_ok(const std::string& s) {
    if (s.empty() || s.size() > 1000) return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(s.front()) != std::string_view::npos) return false;
    if (s.back() == ' ' || s.back() == ':') return false;
    if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
    if (s.rfind("...", 0) == 0 || s == "=" || s.rfind("<<", 0) == 0) return false;
    // YAML 1.1's single-letter booleans, which some readers still honour.
    if (s == "y" || s == "Y" || s == "n" || s == "N") return false;
    if (date_like(s) || !all_printable(s, false)) return false;
    Json resolved = core::resolve_plain_scalar(s);
    return resolved.is_string() && resolved.get_ref<const std::string&>() == s;
}

void quoted(std::string& out, std::string_view s) {
    out += '"';
    char buf[16];
    for (size_t i = 0; i < s.size();) {
        size_t start = i;
        int32_t cp = next_code_point(s, i);
        switch (cp) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\t': out += "\\t"; continue;
        case '\r': out += "\\r"; continue;
        default: break;
        }
        if (printable(cp)) {
            out.append(s.substr(start, i - start));
        } else if (cp < 0) {
            // Not UTF-8: the byte, shown as the character of that number.
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(s[start]));
            out += buf;
        } else if (cp <= 0xFF) {
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp));
            out += buf;
        } else if (cp <= 0xFFFF) {
            std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
            out += buf;
        } else {
            std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
            out += buf;
        }
    }
    out += '"';
}

void text(std::string& out, const std::string& s) {
    if (plain_ok(s)) {
        out += s;
    } else {
        quoted(out, s);
    }
}

// A literal block shows lines as they are, so only printable text with
// newlines (and tabs) in it uses one; the rest is quoted with escapes (a
// NUL or an escape sequence never reaches the terminal raw).
bool literal_ok(const std::string& s) {
    if (s.find('\n') == std::string::npos) return false;
    // Blank lines at the end read as the block's end, not its text.
    size_t end = s.find_last_not_of('\n');
    if (end == std::string::npos) return false;
    size_t last_line = s.rfind('\n', end);
    last_line = last_line == std::string::npos ? 0 : last_line + 1;
    if (s.find_first_not_of(" \t", last_line) > end) return false;
    return all_printable(s, true);
}

// `key: |` (the header is written here) and the lines at `indent`.
void literal(std::string& out, const std::string& s, size_t indent) {
    size_t end = s.find_last_not_of('\n') + 1;
    size_t trailing = s.size() - end;
    std::string_view body(s.data(), end);
    out += '|';
    // The reader takes the indentation from the first line with text on it;
    // one starting with a blank says how far it is indented.
    size_t first = 0;
    while (first < body.size() && body[first] == '\n') ++first;
    if (body[first] == ' ') out += std::to_string(2);
    out += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    out += '\n';
    for (size_t at = 0; at <= body.size();) {
        size_t nl = body.find('\n', at);
        if (nl == std::string_view::npos) nl = body.size();
        if (nl > at) {
            out.append(indent, ' ');
            out.append(body.substr(at, nl - at));
        }
        out += '\n';
        at = nl + 1;
    }
    for (size_t i = 1; i < trailing; ++i) out += '\n';
}

void scalar(std::string& out, const Json& v) {
    switch (v.type()) {
    case Json::value_t::null: out += '~'; return;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case Json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
    case Json::value_t::number_float: {
        double d = v.get<double>();
        if (std::isnan(d)) {
            out += ".nan";
        } else if (std::isinf(d)) {
            out += d < 0 ? "-.inf" : ".inf";
        } else {
            // YAML 1.1 floats have a point: 1e+20 is written 1.0e+20.
            std::string t = core::number_text(d);
            if (t.find('.') == std::string::npos) t.insert(t.find('e'), ".0");
            out += t;
        }
        return;
    }
    default: quoted(out, v.dump()); return;  // binary: never stored
    }
}

void emit_block(std::string& out, const Json& v, size_t indent, size_t depth, bool inline_first);

// What follows `key:` or `- `: a scalar on that line, or a block below it.
void emit_value(std::string& out, const Json& v, size_t indent, size_t depth, bool after_dash) {
    if (depth > core::kMaxPrintDepth) {
        out += ' ';
        quoted(out, "[packhost: nested deeper than " + std::to_string(core::kMaxPrintDepth) + " levels, not shown]");
        out += '\n';
        return;
    }
    if (v.is_object() || v.is_array()) {
        if (v.empty()) {
            out += v.is_object() ? " {}\n" : " []\n";
            return;
        }
        if (after_dash) {
            out += ' ';
            emit_block(out, v, indent, depth, true);
        } else {
            out += '\n';
            emit_block(out, v, indent, depth, false);
        }
        return;
    }
    out += ' ';
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (literal_ok(s)) {
            literal(out, s, indent);
            return;
        }
        text(out, s);
    } else {
        scalar(out, v);
    }
    out += '\n';
}

// A non-empty map or sequence at `indent`; its first line continues the
// current one (after "- ") when `inline_first`.
void emit_block(std::string& out, const Json& v, size_t indent, size_t depth, bool inline_first) {
    bool first = true;
    auto start_line = [&] {
        if (!(first && inline_first)) out.append(indent, ' ');
        first = false;
    };
    if (v.is_object()) {
        for (const auto& [k, child] : v.items()) {
            start_line();
            if (k.size() > 1000) {
                // Past YAML's 1024 characters for a key on its value's line.
                out += "? ";
                quoted(out, k);
                out += '\n';
                out.append(indent, ' ');
            } else {
                text(out, k);
            }
            out += ':';
            emit_value(out, child, indent + 2, depth + 1, false);
        }
    } else {
        for (const auto& child : v) {
            start_line();
            out += '-';
            emit_value(out, child, indent + 2, depth + 1, true);
        }
    }
}

}  // namespace

std::string to_yaml(const Json& value) {
    std::string out;
    if ((value.is_object() || value.is_array()) && !value.empty()) {
        emit_block(out, value, 0, 0, false);
    } else {
        emit_value(out, value, 2, 0, true);
        out.erase(0, 1);  // the space after a dash there is none of
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace packhost::cli

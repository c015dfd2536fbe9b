#include "expr/python_escapes.hpp"

#include <cctype>
#include <cstdint>

#include "core/unicode.hpp"

namespace packhost::expr {

std::string decode_python_escape(const std::string& s, size_t& pos, std::string& out) {
    char e = s[pos++];
    switch (e) {
    case 'n': out += '\n'; return {};
    case 't': out += '\t'; return {};
    case 'r': out += '\r'; return {};
    case 'a': out += '\a'; return {};
    case 'b': out += '\b'; return {};
    case 'f': out += '\f'; return {};
    case 'v': out += '\v'; return {};
    case '\\': out += '\\'; return {};
    case '\'': out += '\''; return {};
    case '"': out += '"'; return {};
    case '\n': return {};
    case 'x':
    case 'u':
    case 'U': {
        size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
        if (pos + n > s.size()) return "truncated \\" + std::string(1, e) + " escape";
        uint32_t cp = 0;
        for (size_t i = 0; i < n; ++i) {
            char h = s[pos + i];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return "invalid \\" + std::string(1, e) + " escape";
            cp = cp * 16 +
                 uint32_t(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return "escape is not a character";
        pos += n;
        core::unicode::append_utf8(out, cp);
        return {};
    }
    default:
        if (e >= '0' && e <= '7') {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && pos < s.size() && s[pos] >= '0' && s[pos] <= '7'; ++i)
                cp = cp * 8 + static_cast<uint32_t>(s[pos++] - '0');
            core::unicode::append_utf8(out, cp);
            return {};
        }
        out += '\\';
        out += e;
        return {};
    }
}

}  // namespace packhost::expr

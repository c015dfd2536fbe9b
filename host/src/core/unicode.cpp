#include "core/unicode.hpp"

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/stringoptions.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <functional>

namespace packhost::core::unicode {
namespace {

bool ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) return false;
    }
    return true;
}

enum class Map { upper, lower, title };

// ICU's full (context-sensitive) mappings for the root locale, which is what
// Python's str methods use.
std::string map(std::string_view s, Map how) {
    std::string out;
    out.reserve(s.size());
    icu::StringByteSink<std::string> sink(&out);
    UErrorCode status = U_ZERO_ERROR;
    icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
    switch (how) {
    case Map::upper: icu::CaseMap::utf8ToUpper("", 0, piece, sink, nullptr, status); break;
    case Map::lower: icu::CaseMap::utf8ToLower("", 0, piece, sink, nullptr, status); break;
    case Map::title:
        // One code point at a time: its titlecase mapping, nothing else.
        icu::CaseMap::utf8ToTitle("",
                                  U_TITLECASE_WHOLE_STRING | U_TITLECASE_NO_LOWERCASE | U_TITLECASE_NO_BREAK_ADJUSTMENT,
                                  nullptr, piece, sink, nullptr, status);
        break;
    }
    if (U_FAILURE(status)) return std::string(s);
    return out;
}

// Walks code points: `fn(code point, its bytes)`. An ill-formed byte comes
// as a code point < 0 and is handed over on its own.
void each(std::string_view s, const std::function<void(UChar32, std::string_view)>& fn) {
    int32_t i = 0, n = static_cast<int32_t>(s.size());
    while (i < n) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
        fn(c, s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    }
}

bool is_cased(UChar32 c) { return c >= 0 && u_hasBinaryProperty(c, UCHAR_CASED); }

template <class Pred>
bool all_of(std::string_view s, Pred pred) {
    if (s.empty()) return false;
    bool ok = true;
    each(s, [&](UChar32 c, std::string_view) { ok = ok && c >= 0 && pred(c); });
    return ok;
}

// isupper/islower: at least one cased character, and no cased character
// of the other kind.
bool cased_as(std::string_view s, bool want_upper) {
    bool any = false, ok = true;
    each(s, [&](UChar32 c, std::string_view) {
        if (c < 0) return;
        if (u_isupper(c) || u_istitle(c)) {
            any = any || want_upper;
            ok = ok && want_upper;
        } else if (u_islower(c)) {
            any = any || !want_upper;
            ok = ok && !want_upper;
        }
    });
    return any && ok;
}

}  // namespace

std::string upper(std::string_view s) {
    if (ascii(s)) {
        std::string out(s);
        for (auto& c : out) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        }
        return out;
    }
    return map(s, Map::upper);
}

std::string lower(std::string_view s) {
    if (ascii(s)) {
        std::string out(s);
        for (auto& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
        return out;
    }
    return map(s, Map::lower);
}

std::string capitalize(std::string_view s) {
    std::string out;
    bool first = true;
    size_t rest = 0;
    each(s, [&](UChar32, std::string_view bytes) {
        if (first) {
            out = map(bytes, Map::title);
            rest = bytes.size();
            first = false;
        }
    });
    return out + lower(s.substr(rest));
}

std::string title(std::string_view s) {
    std::string out;
    bool previous_cased = false;
    each(s, [&](UChar32 c, std::string_view bytes) {
        out += previous_cased ? lower(bytes) : map(bytes, Map::title);
        previous_cased = is_cased(c);
    });
    return out;
}

std::string swapcase(std::string_view s) {
    std::string out;
    each(s, [&](UChar32 c, std::string_view bytes) {
        if (c >= 0 && u_isupper(c)) {
            out += lower(bytes);
        } else if (c >= 0 && u_islower(c)) {
            out += upper(bytes);
        } else {
            out += bytes;
        }
    });
    return out;
}

bool is_alpha(std::string_view s) {
    return all_of(s, [](UChar32 c) { return u_isalpha(c) != 0; });
}

bool is_digit(std::string_view s) {
    return all_of(s, [](UChar32 c) {
        int t = u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE);
        return t == U_NT_DECIMAL || t == U_NT_DIGIT;
    });
}

bool is_alnum(std::string_view s) {
    return all_of(s,
                  [](UChar32 c) { return u_isalpha(c) || u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE; });
}

bool is_space(std::string_view s) {
    return all_of(s, [](UChar32 c) { return is_space_code_point(static_cast<char32_t>(c)); });
}

bool is_upper(std::string_view s) { return cased_as(s, true); }
bool is_lower(std::string_view s) { return cased_as(s, false); }

bool is_space_code_point(char32_t c) {
    // Python: bidirectional class WS, B or S, or general category Zs.
    if (c == U'\t' || c == U'\n' || c == U'\v' || c == U'\f' || c == U'\r' || c == U' ') return true;
    if (c < 0x80) return c >= 0x1c && c <= 0x1f;
    auto dir = u_charDirection(static_cast<UChar32>(c));
    return dir == U_WHITE_SPACE_NEUTRAL || dir == U_BLOCK_SEPARATOR || dir == U_SEGMENT_SEPARATOR ||
           u_charType(static_cast<UChar32>(c)) == U_SPACE_SEPARATOR;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_utf8(std::string_view text) {
    if (text.size() > static_cast<size_t>(INT32_MAX)) return false;  // ICU counts in int32_t
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    int32_t n = static_cast<int32_t>(text.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) return false;
    }
    return true;
}

}  // namespace packhost::core::unicode

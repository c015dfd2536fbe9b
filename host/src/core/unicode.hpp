#pragma once
// Python's str case mapping and character classes on UTF-8 text, through
// ICU (full Unicode mappings: 'ß'.upper() is 'SS', 'été'.upper() 'ÉTÉ',
// final sigma in lower()). Templates, rule criteria and chat matching all
// compare and convert text the way StackStorm's Python does. Bytes that are
// not UTF-8 pass through unchanged.
#include <string>
#include <string_view>

namespace packhost::core::unicode {

std::string upper(std::string_view text);       // str.upper()
std::string lower(std::string_view text);       // str.lower()
std::string capitalize(std::string_view text);  // str.capitalize(): first titlecased, rest lower
std::string title(std::string_view text);       // str.title(): cased runs start titlecased
std::string swapcase(std::string_view text);    // str.swapcase()

// str.isalpha(), isdigit(), isalnum(), isspace(), isupper(), islower().
bool is_alpha(std::string_view text);
bool is_digit(std::string_view text);
bool is_alnum(std::string_view text);
bool is_space(std::string_view text);
bool is_upper(std::string_view text);
bool is_lower(std::string_view text);

// Python's str.isspace() of one code point (for split() and strip()).
bool is_space_code_point(char32_t c);
// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points past U+10FFFF), as Python's bytes.decode() requires.
bool is_utf8(std::string_view text);
// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

}  // namespace packhost::core::unicode

#pragma once
// The backslash escapes of a Python string literal, which jinja2's and
// YAQL's string literals both take.
#include <string>

namespace packhost::expr {

// Decodes the escape whose letter is at s[pos] (just past the backslash)
// into `out` and moves `pos` past it: \n \t \r \a \b \f \v \\ \' \",
// octal \0-\777, \xHH, \uHHHH, \UHHHHHHHH, a backslash-newline (dropped);
// any other is kept as written, as Python keeps it. Returns why the escape
// is bad ("truncated escape", ...), empty when it is good.
std::string decode_python_escape(const std::string& s, size_t& pos, std::string& out);

}  // namespace packhost::expr

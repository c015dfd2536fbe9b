#pragma once
// Splits a template into jinja2's token stream: text, `{{ }}` / `{% %}`
// delimiters, and expression tokens, with whitespace control (`{%-`, `-%}`),
// comments and `{% raw %}` handled here.
#include <cstddef>
#include <string>
#include <vector>

namespace packhost::expr {

enum class Tok {
    data,         // text outside tags
    var_begin,    // {{
    var_end,      // }}
    block_begin,  // {%
    block_end,    // %}
    name,
    integer,
    floating,
    string,
    op,  // operators and punctuation: + - * / // % ** ~ == != < <= > >= = ( ) [ ] { } , . : |
    eof,
};

struct Token {
    Tok kind;
    std::string text;  // data, name, operator, decoded string, number text
    size_t offset;     // into the (newline-normalised) source
};

// Throws TemplateError (template.hpp) on unterminated tags and strings.
std::vector<Token> tokenize(const std::string& source);

// jinja2 normalises line endings and drops one trailing newline.
std::string normalise_source(const std::string& source);

}  // namespace packhost::expr

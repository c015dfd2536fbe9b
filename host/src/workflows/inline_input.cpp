#include "workflows/inline_input.hpp"

#include <cctype>
#include <stdexcept>

#include "core/yaml_json.hpp"

namespace packhost::workflows {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A value runs to the first blank outside quotes, brackets, {{ }} / {% %}
// and YAQL's <% %>.
size_t value_end(const std::string& s, size_t i) {
    int depth = 0;
    char quote = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (!quote && c == '<' && i + 1 < s.size() && s[i + 1] == '%') {
            size_t close = s.find("%>", i + 2);
            if (close == std::string::npos) throw std::invalid_argument("unterminated <% in inline input");
            i = close + 1;
            continue;
        }
        if (quote) {
            if (c == '\\' && i + 1 < s.size()) {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'')
            quote = c;
        else if (c == '{' || c == '[' || c == '(')
            ++depth;
        else if ((c == '}' || c == ']' || c == ')') && depth > 0)
            --depth;
        else if (space(c) && depth == 0)
            break;
    }
    if (quote) throw std::invalid_argument("unterminated quote in inline input");
    return i;
}

}  // namespace

InlineAction parse_inline_action(const std::string& text) {
    InlineAction out;
    size_t i = 0;
    while (i < text.size() && space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !space(text[i])) ++i;
    out.ref = text.substr(start, i - start);
    if (out.ref.empty()) throw std::invalid_argument("no action named");
    while (true) {
        while (i < text.size() && space(text[i])) ++i;
        if (i >= text.size()) break;
        size_t key_start = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
        if (i == key_start || i >= text.size() || text[i] != '=') {
            throw std::invalid_argument("inline input must be key=value pairs, got \"" + text.substr(key_start) + "\"");
        }
        std::string key = text.substr(key_start, i - key_start);
        size_t v = ++i;
        i = value_end(text, v);
        std::string raw = text.substr(v, i - v);
        if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front()) {
            std::string unq;
            for (size_t k = 1; k + 1 < raw.size(); ++k) {
                if (raw[k] == '\\' && k + 2 < raw.size()) ++k;
                unq += raw[k];
            }
            out.input[key] = unq;
        } else {
            out.input[key] = core::resolve_plain_scalar(raw);
        }
    }
    return out;
}

}  // namespace packhost::workflows

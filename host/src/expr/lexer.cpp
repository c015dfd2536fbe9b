#include "expr/lexer.hpp"

#include <cctype>
#include <cstring>

#include "core/unicode.hpp"
#include "expr/python_escapes.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
public:
    explicit Lexer(const std::string& src) : s_(src) {}

    std::vector<Token> run() {
        bool lstrip_next = false;
        while (pos_ < s_.size()) {
            size_t tag = find_tag(pos_);
            std::string text = s_.substr(pos_, tag - pos_);
            if (lstrip_next) {
                size_t k = 0;
                while (k < text.size() && is_space(text[k])) ++k;
                text.erase(0, k);
            }
            lstrip_next = false;
            if (tag + 2 < s_.size() && s_[tag + 2] == '-') {  // {{- {%- {#-
                while (!text.empty() && is_space(text.back())) text.pop_back();
            }
            if (!text.empty()) out_.push_back({Tok::data, std::move(text), pos_});
            if (tag >= s_.size()) break;
            pos_ = tag;
            char kind = s_[pos_ + 1];
            size_t start = pos_;
            pos_ += 2;
            if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
            if (kind == '#') {
                size_t end = s_.find("#}", pos_);
                if (end == std::string::npos) throw TemplateError::at(s_, start, "missing end of comment tag");
                lstrip_next = end > 0 && s_[end - 1] == '-' && end - 1 >= pos_;
                pos_ = end + 2;
                continue;
            }
            if (kind == '%' && try_raw(start, lstrip_next)) continue;
            out_.push_back({kind == '{' ? Tok::var_begin : Tok::block_begin, kind == '{' ? "{{" : "{%", start});
            lstrip_next = expression(kind == '{' ? '}' : '%', start);
        }
        out_.push_back({Tok::eof, "", s_.size()});
        return std::move(out_);
    }

private:
    size_t find_tag(size_t from) const {
        for (size_t i = from; i + 1 < s_.size(); ++i) {
            if (s_[i] == '{' && (s_[i + 1] == '{' || s_[i + 1] == '%' || s_[i + 1] == '#')) return i;
        }
        return s_.size();
    }

    // `{% raw %}...{% endraw %}`: everything between is text.
    bool try_raw(size_t start, bool& lstrip_next) {
        size_t p = pos_;
        while (p < s_.size() && is_space(s_[p])) ++p;
        if (s_.compare(p, 3, "raw") != 0 || (p + 3 < s_.size() && is_name_char(s_[p + 3]))) return false;
        p += 3;
        while (p < s_.size() && is_space(s_[p])) ++p;
        bool strip_after_open = false;
        if (p < s_.size() && s_[p] == '-') {
            strip_after_open = true;
            ++p;
        }
        if (s_.compare(p, 2, "%}") != 0) return false;
        p += 2;
        // Find {%-? endraw -?%}
        size_t search = p;
        while (true) {
            size_t open = s_.find("{%", search);
            if (open == std::string::npos) throw TemplateError::at(s_, start, "missing end of raw directive");
            size_t q = open + 2;
            bool strip_before = q < s_.size() && s_[q] == '-';
            if (strip_before) ++q;
            while (q < s_.size() && is_space(s_[q])) ++q;
            if (s_.compare(q, 6, "endraw") == 0) {
                q += 6;
                while (q < s_.size() && is_space(s_[q])) ++q;
                bool strip_after = q < s_.size() && s_[q] == '-';
                if (strip_after) ++q;
                if (s_.compare(q, 2, "%}") == 0) {
                    std::string text = s_.substr(p, open - p);
                    if (strip_after_open) {
                        size_t k = 0;
                        while (k < text.size() && is_space(text[k])) ++k;
                        text.erase(0, k);
                    }
                    if (strip_before) {
                        while (!text.empty() && is_space(text.back())) text.pop_back();
                    }
                    if (!text.empty()) out_.push_back({Tok::data, std::move(text), p});
                    pos_ = q + 2;
                    lstrip_next = strip_after;
                    return true;
                }
            }
            search = open + 2;
        }
    }

    // Expression tokens up to the closing `}}` or `%}` at bracket depth 0.
    // Returns whether the tag ended with `-` (strip following whitespace).
    bool expression(char closer, size_t start) {
        int depth = 0;
        while (true) {
            while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
            if (pos_ >= s_.size()) {
                throw TemplateError::at(s_, start,
                                        closer == '}' ? "unexpected end of template, expected '}}'"
                                                      : "unexpected end of template, expected '%}'");
            }
            char c = s_[pos_];
            if (depth == 0) {
                if (c == '-' && pos_ + 2 < s_.size() && s_[pos_ + 1] == closer && s_[pos_ + 2] == '}') {
                    out_.push_back({closer == '}' ? Tok::var_end : Tok::block_end, "", pos_});
                    pos_ += 3;
                    return true;
                }
                if (c == closer && pos_ + 1 < s_.size() && s_[pos_ + 1] == '}') {
                    out_.push_back({closer == '}' ? Tok::var_end : Tok::block_end, "", pos_});
                    pos_ += 2;
                    return false;
                }
            }
            if (is_name_start(c)) {
                size_t b = pos_;
                while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
                out_.push_back({Tok::name, s_.substr(b, pos_ - b), b});
                continue;
            }
            if (std::isdigit(static_cast<unsigned char>(c))) {
                number();
                continue;
            }
            if (c == '\'' || c == '"') {
                string_literal();
                continue;
            }
            static const char* two[] = {"//", "**", "==", "!=", "<=", ">="};
            bool matched = false;
            for (const char* op : two) {
                if (s_.compare(pos_, 2, op) == 0) {
                    out_.push_back({Tok::op, op, pos_});
                    pos_ += 2;
                    matched = true;
                    break;
                }
            }
            if (matched) continue;
            if (std::strchr("+-*/%~<>=()[]{},.:|", c) != nullptr) {
                if (c == '(' || c == '[' || c == '{') ++depth;
                if (c == ')' || c == ']' || c == '}') {
                    if (depth == 0) throw TemplateError::at(s_, pos_, std::string("unexpected '") + c + "'");
                    --depth;
                }
                out_.push_back({Tok::op, std::string(1, c), pos_});
                ++pos_;
                continue;
            }
            throw TemplateError::at(s_, pos_, std::string("unexpected char '") + c + "'");
        }
    }

    void number() {
        size_t b = pos_;
        auto digits = [&] {
            while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                        (s_[pos_] == '_' && pos_ + 1 < s_.size() &&
                                         std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))))) {
                ++pos_;
            }
        };
        digits();
        bool is_float = false;
        if (pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
            is_float = true;
            ++pos_;
            digits();
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            size_t save = pos_;
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
                digits();
                is_float = true;
            } else {
                pos_ = save;
            }
        }
        std::string text;
        for (size_t i = b; i < pos_; ++i) {
            if (s_[i] != '_') text += s_[i];
        }
        out_.push_back({is_float ? Tok::floating : Tok::integer, text, b});
    }

    void string_literal() {
        char q = s_[pos_];
        size_t b = pos_++;
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) throw TemplateError::at(s_, b, "unexpected end of string");
            char c = s_[pos_++];
            if (c == q) break;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) throw TemplateError::at(s_, b, "unexpected end of string");
            std::string bad = decode_python_escape(s_, pos_, out);
            if (!bad.empty()) throw TemplateError::at(s_, pos_, bad + " in string");
        }
        out_.push_back({Tok::string, std::move(out), b});
    }

    const std::string& s_;
    size_t pos_ = 0;
    std::vector<Token> out_;
};

}  // namespace

std::string normalise_source(const std::string& source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::vector<Token> tokenize(const std::string& source) { return Lexer(source).run(); }

}  // namespace packhost::expr

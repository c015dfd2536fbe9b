#include "chatops/aliases/anchor_search.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace packhost::chatops::aliases {
namespace {

// The part of sre_parse's token tree the search walks.
struct Token {
    enum Kind { kOther, kBeginning, kEnding, kSubpattern, kBranch };
    Kind kind = kOther;
    std::string text;                              // the source, to compare tokens
    std::vector<Token> content;                    // kSubpattern
    std::vector<std::vector<Token>> alternatives;  // kBranch
};

using Tokens = std::vector<Token>;

bool same(const Token& a, const Token& b) { return a.kind == b.kind && a.text == b.text; }

class Tokenizer {
public:
    explicit Tokenizer(std::string_view re) : re_(re) {}

    Tokens parse() { return alternation(); }

private:
    bool at_end() const { return i_ >= re_.size(); }

    // sre_parse._parse_sub: alternatives; a prefix common to all of them
    // moves out in front of the branch.
    Tokens alternation() {
        std::vector<Tokens> alternatives{sequence()};
        while (!at_end() && re_[i_] == '|') {
            ++i_;
            alternatives.push_back(sequence());
        }
        if (alternatives.size() == 1) return std::move(alternatives[0]);
        Tokens out;
        while (true) {
            bool common = true;
            for (const auto& alt : alternatives) {
                if (alt.empty() || !same(alt.front(), alternatives.front().front())) {
                    common = false;
                    break;
                }
            }
            if (!common) break;
            out.push_back(alternatives.front().front());
            for (auto& alt : alternatives) alt.erase(alt.begin());
        }
        Token branch;
        branch.kind = Token::kBranch;
        branch.alternatives = std::move(alternatives);
        out.push_back(std::move(branch));
        return out;
    }

    Tokens sequence() {
        Tokens out;
        while (!at_end() && re_[i_] != '|' && re_[i_] != ')') {
            size_t start = i_;
            Token t = atom();
            t.text = std::string(re_.substr(start, i_ - start));
            if (quantifier()) {  // a repeated item is a MAX_REPEAT: not searched
                t.kind = Token::kOther;
                t.content.clear();
                t.text = std::string(re_.substr(start, i_ - start));
            }
            if (!t.text.empty()) out.push_back(std::move(t));
        }
        return out;
    }

    bool quantifier() {
        if (at_end()) return false;
        char c = re_[i_];
        if (c == '*' || c == '+' || c == '?') {
            ++i_;
        } else if (c == '{') {
            size_t j = i_ + 1;
            size_t digits = 0;
            while (j < re_.size() && (std::isdigit(static_cast<unsigned char>(re_[j])) || re_[j] == ',')) {
                digits += re_[j] != ',' ? 1 : 0;
                ++j;
            }
            if (j >= re_.size() || re_[j] != '}' || j == i_ + 1 || digits == 0) return false;
            i_ = j + 1;
        } else {
            return false;
        }
        if (!at_end() && (re_[i_] == '?' || re_[i_] == '+')) ++i_;  // lazy, possessive
        return true;
    }

    Token atom() {
        Token t;
        char c = re_[i_];
        if (c == '\\') {
            char n = i_ + 1 < re_.size() ? re_[i_ + 1] : '\0';
            i_ += 2;
            if (n == 'A') t.kind = Token::kBeginning;
            if (n == 'Z') t.kind = Token::kEnding;
            return t;
        }
        if (c == '^') {
            ++i_;
            t.kind = Token::kBeginning;
            return t;
        }
        if (c == '$') {
            ++i_;
            t.kind = Token::kEnding;
            return t;
        }
        if (c == '[') {
            skip_class();
            return t;
        }
        if (c == '(') return group();
        ++i_;
        return t;
    }

    void skip_class() {
        ++i_;
        if (!at_end() && re_[i_] == '^') ++i_;
        if (!at_end() && re_[i_] == ']') ++i_;
        while (!at_end() && re_[i_] != ']') i_ += re_[i_] == '\\' ? 2 : 1;
        if (!at_end()) ++i_;
    }

    // Skips to the ')' closing the group whose '(' was just passed.
    void skip_group_body() {
        int depth = 1;
        while (!at_end() && depth > 0) {
            char c = re_[i_];
            if (c == '\\') {
                i_ += 2;
                continue;
            }
            if (c == '[') {
                skip_class();
                continue;
            }
            if (c == '(') ++depth;
            if (c == ')') --depth;
            ++i_;
        }
    }

    Token group() {
        Token t;
        ++i_;  // '('
        if (!at_end() && re_[i_] == '?') {
            std::string_view rest = re_.substr(i_ + 1);
            if (rest.rfind("P<", 0) == 0) {  // named group: a subpattern
                size_t close = re_.find('>', i_);
                i_ = close == std::string_view::npos ? re_.size() : close + 1;
            } else if (rest.rfind(':', 0) == 0) {
                i_ += 2;
            } else if (!rest.empty() && (std::isalpha(static_cast<unsigned char>(rest[0])) || rest[0] == '-')) {
                // Inline flags: (?i) sets them for the whole pattern (no
                // token); (?i:...) is a subpattern with flags.
                size_t j = i_ + 1;
                while (j < re_.size() && (std::isalpha(static_cast<unsigned char>(re_[j])) || re_[j] == '-')) ++j;
                if (j < re_.size() && re_[j] == ')') {
                    i_ = j + 1;
                    return t;
                }
                i_ = j + 1;
            } else {
                // Look-around, atomic groups, conditionals, backreferences,
                // comments: not subpatterns, never searched.
                skip_group_body();
                return t;
            }
        }
        t.kind = Token::kSubpattern;
        t.content = alternation();
        if (!at_end() && re_[i_] == ')') ++i_;
        return t;
    }

    std::string_view re_;
    size_t i_ = 0;
};

bool search(const Tokens& tokens, Token::Kind needle) {
    for (const auto& t : tokens) {
        if (t.kind == Token::kSubpattern) {
            if (search(t.content, needle)) return true;
        } else if (t.kind == Token::kBranch) {
            // StackStorm looks at rtoken[1][1]: the second alternative only.
            if (t.alternatives.size() > 1 && search(t.alternatives[1], needle)) return true;
        } else if (t.kind == needle) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool has_beginning_anchor(std::string_view regex) { return search(Tokenizer(regex).parse(), Token::kBeginning); }

bool has_ending_anchor(std::string_view regex) { return search(Tokenizer(regex).parse(), Token::kEnding); }

}  // namespace packhost::chatops::aliases

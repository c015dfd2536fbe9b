#include "expr/yaql/parser.hpp"

#include <cctype>
#include <cstdlib>

#include "core/unicode.hpp"
#include "expr/python_escapes.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr::yaql {
namespace {

enum class Tok : uint8_t { end, number, string, keyword, func, dollar, op, punct };

struct Token {
    Tok kind = Tok::end;
    std::string text;  // operator or punctuation, name, decoded string
    Json value;        // number
    size_t offset = 0;
};

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }

// Operators made of symbols, the longest first (as the lexer's regexes sort).
constexpr const char* kSymbolOps[] = {"?.", "=~", "!~", ">=", "<=", "!=", "=>", "->",
                                      ".",  "+",  "-",  "*",  "/",  ">",  "<",  "="};
// Operators spelled as words.
bool word_operator(const std::string& w) { return w == "and" || w == "or" || w == "not" || w == "in" || w == "mod"; }

class Parser {
public:
    explicit Parser(const std::string& src) : s_(src) { advance(); }

    NodePtr expression() {
        NodePtr n = parse_expr(0);
        if (tok_.kind != Tok::end) fail(tok_.offset, "unexpected " + describe(tok_));
        return n;
    }

private:
    [[noreturn]] void fail(size_t offset, const std::string& why) {
        throw TemplateError::at(s_, offset, "YAQL grammar error: " + why);
    }
    static std::string describe(const Token& t) {
        switch (t.kind) {
        case Tok::end: return "end of expression";
        case Tok::number: return "number " + t.value.dump();
        case Tok::string: return "string";
        case Tok::func: return "'" + t.text + "('";
        default: return "'" + t.text + "'";
        }
    }

    // --- lexing ---------------------------------------------------------------
    void advance() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n'))
            ++pos_;
        tok_ = Token{};
        tok_.offset = pos_;
        if (pos_ >= s_.size()) return;
        char c = s_[pos_];
        if (c == '$') {
            size_t b = ++pos_;
            while (pos_ < s_.size() && word_char(s_[pos_])) ++pos_;
            tok_.kind = Tok::dollar;
            tok_.text = s_.substr(b, pos_ - b);
            return;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) {
            size_t b = pos_;
            while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            bool fraction =
                pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]));
            if (fraction) {
                ++pos_;
                while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            }
            std::string digits = s_.substr(b, pos_ - b);
            tok_.kind = Tok::number;
            if (fraction) {
                tok_.value = std::strtod(digits.c_str(), nullptr);
            } else {
                errno = 0;
                long long v = std::strtoll(digits.c_str(), nullptr, 10);
                if (errno == ERANGE) fail(b, "number " + digits + " is too large");
                tok_.value = static_cast<int64_t>(v);
            }
            return;
        }
        if (word_start(c)) {
            size_t b = pos_;
            while (pos_ < s_.size() && word_char(s_[pos_])) ++pos_;
            tok_.text = s_.substr(b, pos_ - b);
            if (pos_ < s_.size() && s_[pos_] == '(') {
                ++pos_;
                tok_.kind = Tok::func;
                return;
            }
            tok_.kind = word_operator(tok_.text) ? Tok::op : Tok::keyword;
            return;
        }
        if (c == '\'' || c == '"' || c == '`') {
            tok_.kind = Tok::string;
            tok_.text = quoted(c);
            return;
        }
        if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',') {
            tok_.kind = Tok::punct;
            tok_.text = std::string(1, c);
            ++pos_;
            return;
        }
        for (const char* op : kSymbolOps) {
            size_t n = std::char_traits<char>::length(op);
            if (s_.compare(pos_, n, op) == 0) {
                tok_.kind = Tok::op;
                tok_.text = op;
                pos_ += n;
                return;
            }
        }
        fail(pos_, "unexpected character '" + std::string(1, c) + "'");
    }

    // 'text' and "text" take Python's escapes; `text` only \`.
    std::string quoted(char q) {
        size_t start = pos_++;
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) fail(start, "unterminated string");
            char c = s_[pos_++];
            if (c == q) return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) fail(start, "unterminated string");
            char e = s_[pos_++];
            if (q == '`') {
                if (e != '`') out += '\\';
                out += e;
                continue;
            }
            --pos_;
            std::string bad = decode_python_escape(s_, pos_, out);
            if (!bad.empty()) fail(pos_, bad);
        }
    }

    bool is(Tok k, const char* text) const { return tok_.kind == k && tok_.text == text; }
    void expect(const char* punct) {
        if (!is(Tok::punct, punct)) fail(tok_.offset, std::string("expected '") + punct + "', got " + describe(tok_));
        advance();
    }

    // --- parsing --------------------------------------------------------------
    // Binding powers: the tighter, the higher. Left-associative unless noted.
    static int infix_power(const Token& t) {
        if (t.kind == Tok::punct) return t.text == "[" ? 100 : 0;
        if (t.kind != Tok::op) return 0;
        const std::string& o = t.text;
        if (o == "." || o == "?.") return 110;
        if (o == "=~" || o == "!~") return 80;
        if (o == "*" || o == "/" || o == "mod") return 70;
        if (o == "+" || o == "-") return 60;
        if (o == ">" || o == "<" || o == ">=" || o == "<=" || o == "!=" || o == "=" || o == "in") return 50;
        if (o == "and") return 30;
        if (o == "or") return 20;
        if (o == "->") return 10;
        return 0;  // `=>` and `not` are not infix
    }

    NodePtr parse_expr(int min_power) {
        // Parentheses and operators nest the parser's own calls: bounded.
        if (++depth_ > kMaxNesting)
            fail(tok_.offset, "the expression nests deeper than " + std::to_string(kMaxNesting) + " levels");
        struct Leave {
            size_t& d;
            ~Leave() { --d; }
        } leave{depth_};
        NodePtr left = prefix();
        while (true) {
            int p = infix_power(tok_);
            if (p == 0 || p <= min_power) break;
            Token op = tok_;
            advance();
            if (op.kind == Tok::punct) {  // indexer
                auto n = std::make_unique<Node>(Node::Kind::index, op.offset);
                n->kids.push_back(std::move(left));
                arguments(*n, "]");
                if (n->kids.size() < 2) fail(op.offset, "an indexer needs an index");
                left = std::move(n);
                continue;
            }
            if (op.text == "." || op.text == "?.") {
                left = member(std::move(left), op);
                continue;
            }
            // `->` is right-associative: the right side binds at one less.
            NodePtr right = parse_expr(op.text == "->" ? p - 1 : p);
            auto n = std::make_unique<Node>(op.text == "->" ? Node::Kind::chain : Node::Kind::binary, op.offset);
            n->text = op.text;
            n->kids.push_back(std::move(left));
            n->kids.push_back(std::move(right));
            left = std::move(n);
        }
        return left;
    }

    NodePtr member(NodePtr left, const Token& op) {
        size_t at = tok_.offset;
        if (tok_.kind == Tok::func) {
            auto call = std::make_unique<Node>(Node::Kind::call, at);
            call->text = tok_.text;
            call->method = true;
            call->null_safe = op.text == "?.";
            advance();
            call->kids.push_back(std::move(left));
            arguments(*call, ")");
            return call;
        }
        auto n = std::make_unique<Node>(Node::Kind::member, op.offset);
        n->null_safe = op.text == "?.";
        n->kids.push_back(std::move(left));
        if (tok_.kind == Tok::keyword) {
            auto k = std::make_unique<Node>(Node::Kind::keyword, at);
            k->text = tok_.text;
            advance();
            n->kids.push_back(std::move(k));
        } else {
            // `x.(expr)`, `x.$`: the right side evaluated with $ set to x.
            n->kids.push_back(parse_expr(110));
        }
        return n;
    }

    NodePtr prefix() {
        Token t = tok_;
        switch (t.kind) {
        case Tok::end: fail(t.offset, "unexpected end of expression");
        case Tok::number: {
            advance();
            auto n = std::make_unique<Node>(Node::Kind::constant, t.offset);
            n->value = std::move(t.value);
            return n;
        }
        case Tok::string: {
            advance();
            auto n = std::make_unique<Node>(Node::Kind::constant, t.offset);
            n->value = std::move(t.text);
            return n;
        }
        case Tok::keyword: {
            advance();
            auto n = std::make_unique<Node>(Node::Kind::constant, t.offset);
            if (t.text == "true") {
                n->value = true;
            } else if (t.text == "false") {
                n->value = false;
            } else if (t.text == "null") {
                n->value = nullptr;
            } else {
                n->kind = Node::Kind::keyword;
                n->text = std::move(t.text);
            }
            return n;
        }
        case Tok::dollar: {
            advance();
            auto n = std::make_unique<Node>(Node::Kind::dollar, t.offset);
            n->text = std::move(t.text);
            return n;
        }
        case Tok::func: {
            advance();
            auto n = std::make_unique<Node>(Node::Kind::call, t.offset);
            n->text = std::move(t.text);
            arguments(*n, ")");
            return n;
        }
        case Tok::op: {
            if (t.text == "-" || t.text == "+" || t.text == "not") {
                advance();
                auto n = std::make_unique<Node>(Node::Kind::unary, t.offset);
                n->text = t.text;
                n->kids.push_back(parse_expr(t.text == "not" ? 40 : 90));
                return n;
            }
            fail(t.offset, "unexpected " + describe(t));
        }
        case Tok::punct: {
            if (t.text == "(") {
                advance();
                NodePtr inner = parse_expr(0);
                expect(")");
                return inner;
            }
            if (t.text == "[") {
                advance();
                auto n = std::make_unique<Node>(Node::Kind::list, t.offset);
                arguments(*n, "]");
                return n;
            }
            if (t.text == "{") {
                advance();
                auto n = std::make_unique<Node>(Node::Kind::map, t.offset);
                arguments(*n, "}");
                for (const auto& k : n->kids) {
                    if (k->kind != Node::Kind::mapping) fail(k->offset, "a map entry is written key => value");
                }
                return n;
            }
            fail(t.offset, "unexpected " + describe(t));
        }
        }
        fail(t.offset, "unexpected " + describe(t));
    }

    // Arguments up to `close`: values, then `name => value` pairs. An empty
    // place (`f(, 2)`) is a null node: the argument is left out.
    void arguments(Node& into, const char* close) {
        if (is(Tok::punct, close)) {
            advance();
            return;
        }
        while (true) {
            if (is(Tok::punct, ",")) {
                into.kids.push_back(nullptr);
            } else {
                NodePtr value = parse_expr(0);
                if (is(Tok::op, "=>")) {
                    size_t at = tok_.offset;
                    advance();
                    auto m = std::make_unique<Node>(Node::Kind::mapping, at);
                    m->kids.push_back(std::move(value));
                    m->kids.push_back(parse_expr(0));
                    value = std::move(m);
                }
                into.kids.push_back(std::move(value));
            }
            if (is(Tok::punct, ",")) {
                advance();
                if (is(Tok::punct, close)) {
                    into.kids.push_back(nullptr);
                    advance();
                    return;
                }
                continue;
            }
            expect(close);
            return;
        }
    }

    static constexpr size_t kMaxNesting = 200;
    const std::string& s_;
    size_t pos_ = 0;
    size_t depth_ = 0;
    Token tok_;
};

}  // namespace

NodePtr parse(const std::string& source) { return Parser(source).expression(); }

}  // namespace packhost::expr::yaql

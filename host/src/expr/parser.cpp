#include "expr/parser.hpp"

#include <charconv>
#include <cstdlib>

#include "expr/builtins.hpp"
#include "expr/lexer.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr {
namespace {

class Parser {
public:
    Parser(const std::string& src, std::vector<Token> toks) : src_(src), t_(std::move(toks)) {}

    std::vector<NodePtr> run() {
        auto body = subparse({});
        if (peek().kind != Tok::eof) fail(peek(), "unexpected tag");
        return body;
    }

private:
    const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
    const Token& next() { return t_[std::min(i_++, t_.size() - 1)]; }
    bool is_op(const char* op, size_t ahead = 0) const { return peek(ahead).kind == Tok::op && peek(ahead).text == op; }
    bool is_name(const char* n, size_t ahead = 0) const {
        return peek(ahead).kind == Tok::name && peek(ahead).text == n;
    }
    [[noreturn]] void fail(const Token& at, const std::string& msg) const {
        throw TemplateError::at(src_, at.offset, msg);
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
        case Tok::eof: return "end of template";
        case Tok::var_end: return "end of print statement";
        case Tok::block_end: return "end of statement block";
        case Tok::data: return "template data";
        case Tok::string: return "string";
        case Tok::integer:
        case Tok::floating: return "number";
        default: return "'" + t.text + "'";
        }
    }
    void expect_op(const char* op) {
        if (!is_op(op)) fail(peek(), std::string("expected '") + op + "', got " + describe(peek()));
        ++i_;
    }
    std::string expect_name() {
        if (peek().kind != Tok::name) fail(peek(), "expected a name, got " + describe(peek()));
        return next().text;
    }
    void expect_block_end() {
        if (peek().kind != Tok::block_end) fail(peek(), "expected end of statement block, got " + describe(peek()));
        ++i_;
    }

    // Statements until one of `end_tags` starts a block (left unconsumed).
    std::vector<NodePtr> subparse(std::initializer_list<const char*> end_tags) {
        std::vector<NodePtr> body;
        while (true) {
            const Token& tok = peek();
            if (tok.kind == Tok::eof) {
                if (end_tags.size() > 0) {
                    std::string tags;
                    for (const char* e : end_tags) tags += (tags.empty() ? "'" : " or '") + std::string(e) + "'";
                    fail(tok, "unexpected end of template, expected " + tags);
                }
                return body;
            }
            if (tok.kind == Tok::data) {
                body.push_back(std::make_unique<TextNode>(tok.offset, tok.text));
                ++i_;
            } else if (tok.kind == Tok::var_begin) {
                ++i_;
                auto e = expression();
                if (peek().kind != Tok::var_end)
                    fail(peek(), "expected end of print statement, got " + describe(peek()));
                ++i_;
                body.push_back(std::make_unique<OutputNode>(tok.offset, std::move(e)));
            } else if (tok.kind == Tok::block_begin) {
                const Token& tag = peek(1);
                if (tag.kind != Tok::name) fail(tag, "expected a tag name, got " + describe(tag));
                for (const char* e : end_tags) {
                    if (tag.text == e) return body;
                }
                i_ += 2;
                body.push_back(statement(tok, tag));
            } else {
                fail(tok, "unexpected " + describe(tok));
            }
        }
    }

    NodePtr statement(const Token& begin, const Token& tag) {
        DepthGuard guard(*this);
        const std::string& name = tag.text;
        if (name == "if") return if_statement(begin.offset);
        if (name == "for") return for_statement(begin.offset);
        if (name == "set") return set_statement(begin.offset);
        if (name == "elif" || name == "else" || name == "endif" || name == "endfor" || name == "endraw") {
            fail(tag, "unexpected '" + name + "' tag");
        }
        fail(tag, "unknown tag '" + name + "'");
    }

    NodePtr if_statement(size_t offset) {
        auto node = std::make_unique<IfNode>(offset);
        auto cond = expression();
        expect_block_end();
        auto body = subparse({"elif", "else", "endif"});
        node->branches.emplace_back(std::move(cond), std::move(body));
        while (true) {
            i_ += 1;  // {%
            std::string tag = next().text;
            if (tag == "elif") {
                auto c = expression();
                expect_block_end();
                auto b = subparse({"elif", "else", "endif"});
                node->branches.emplace_back(std::move(c), std::move(b));
            } else if (tag == "else") {
                expect_block_end();
                node->otherwise = subparse({"endif"});
                i_ += 2;
                expect_block_end();
                return node;
            } else {
                expect_block_end();
                return node;
            }
        }
    }

    NodePtr for_statement(size_t offset) {
        auto node = std::make_unique<ForNode>(offset);
        node->targets.push_back(expect_name());
        while (is_op(",")) {
            ++i_;
            node->targets.push_back(expect_name());
        }
        if (!is_name("in")) fail(peek(), "expected 'in', got " + describe(peek()));
        ++i_;
        node->iter = condexpr(/*allow_tuple=*/false, /*no_cond=*/true);
        if (is_name("if")) {
            ++i_;
            node->filter = condexpr(false, true);
        }
        expect_block_end();
        node->body = subparse({"else", "endfor"});
        i_ += 1;
        if (next().text == "else") {
            expect_block_end();
            node->otherwise = subparse({"endfor"});
            i_ += 2;
        }
        expect_block_end();
        return node;
    }

    NodePtr set_statement(size_t offset) {
        auto node = std::make_unique<SetNode>(offset);
        node->targets.push_back(expect_name());
        while (is_op(",")) {
            ++i_;
            node->targets.push_back(expect_name());
        }
        if (!is_op("=")) fail(peek(), "block assignments ({% set x %}...{% endset %}) are not supported; use '='");
        ++i_;
        node->value = expression();
        expect_block_end();
        return node;
    }

    // expression: a conditional expression, or an implicit tuple `a, b`.
    ExprPtr expression() { return condexpr(true, false); }

    ExprPtr condexpr(bool allow_tuple, bool no_cond) {
        size_t off = peek().offset;
        ExprPtr e = or_expr();
        if (!no_cond) {
            while (is_name("if")) {
                ++i_;
                auto c = std::make_unique<CondExpr>(off);
                c->then = std::move(e);
                c->test = or_expr();
                if (is_name("else")) {
                    ++i_;
                    c->otherwise = condexpr(false, false);
                }
                e = std::move(c);
            }
        }
        if (allow_tuple && is_op(",")) {
            auto list = std::make_unique<ListExpr>(off);
            list->items.push_back(std::move(e));
            while (is_op(",")) {
                ++i_;
                if (peek().kind == Tok::var_end || peek().kind == Tok::block_end || is_op(")")) break;
                list->items.push_back(condexpr(false, false));
            }
            return list;
        }
        return e;
    }

    ExprPtr or_expr() {
        ExprPtr l = and_expr();
        while (is_name("or")) {
            size_t off = next().offset;
            l = std::make_unique<Binary>(off, "or", std::move(l), and_expr());
        }
        return l;
    }
    ExprPtr and_expr() {
        ExprPtr l = not_expr();
        while (is_name("and")) {
            size_t off = next().offset;
            l = std::make_unique<Binary>(off, "and", std::move(l), not_expr());
        }
        return l;
    }
    ExprPtr not_expr() {
        if (is_name("not")) {
            size_t off = next().offset;
            return std::make_unique<Unary>(off, '!', not_expr());
        }
        return compare();
    }
    ExprPtr compare() {
        size_t off = peek().offset;
        ExprPtr first = math1();
        std::vector<std::pair<std::string, ExprPtr>> rest;
        while (true) {
            if (peek().kind == Tok::op && (peek().text == "==" || peek().text == "!=" || peek().text == "<" ||
                                           peek().text == "<=" || peek().text == ">" || peek().text == ">=")) {
                std::string op = next().text;
                rest.emplace_back(op, math1());
            } else if (is_name("in")) {
                ++i_;
                rest.emplace_back("in", math1());
            } else if (is_name("not") && is_name("in", 1)) {
                i_ += 2;
                rest.emplace_back("notin", math1());
            } else {
                break;
            }
        }
        if (rest.empty()) return first;
        auto c = std::make_unique<Compare>(off);
        c->first = std::move(first);
        c->rest = std::move(rest);
        return c;
    }
    ExprPtr math1() {
        ExprPtr l = concat();
        while (is_op("+") || is_op("-")) {
            const Token& t = next();
            l = std::make_unique<Binary>(t.offset, t.text, std::move(l), concat());
        }
        return l;
    }
    ExprPtr concat() {
        ExprPtr l = math2();
        while (is_op("~")) {
            size_t off = next().offset;
            l = std::make_unique<Binary>(off, "~", std::move(l), math2());
        }
        return l;
    }
    ExprPtr math2() {
        ExprPtr l = power();
        while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
            const Token& t = next();
            l = std::make_unique<Binary>(t.offset, t.text, std::move(l), power());
        }
        return l;
    }
    ExprPtr power() {
        ExprPtr l = unary(true);
        while (is_op("**")) {
            size_t off = next().offset;
            l = std::make_unique<Binary>(off, "**", std::move(l), unary(true));
        }
        return l;
    }
    ExprPtr unary(bool with_filter) {
        DepthGuard guard(*this);
        ExprPtr node;
        if (is_op("-") || is_op("+")) {
            const Token& t = next();
            node = std::make_unique<Unary>(t.offset, t.text[0], unary(false));
        } else {
            node = primary();
        }
        node = postfix(std::move(node));
        if (with_filter) node = filter_expr(std::move(node));
        return node;
    }

    // Bounds recursion (and so the evaluator's) on hostile input.
    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.depth_ > kMaxDepth) p.fail(p.peek(), "template nested too deeply");
        }
        ~DepthGuard() { --p.depth_; }
    };
    static constexpr int kMaxDepth = 200;

    ExprPtr primary() {
        DepthGuard guard(*this);
        const Token& t = peek();
        switch (t.kind) {
        case Tok::name: {
            ++i_;
            const std::string& n = t.text;
            if (n == "true" || n == "True") return std::make_unique<Literal>(t.offset, true);
            if (n == "false" || n == "False") return std::make_unique<Literal>(t.offset, false);
            if (n == "none" || n == "None") return std::make_unique<Literal>(t.offset, nullptr);
            return std::make_unique<Name>(t.offset, n);
        }
        case Tok::string: {
            std::string s = next().text;
            while (peek().kind == Tok::string) s += next().text;  // "a" "b" -> "ab", as Python
            return std::make_unique<Literal>(t.offset, s);
        }
        case Tok::integer: {
            ++i_;
            int64_t v = 0;
            auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
            if (ec != std::errc()) return std::make_unique<Literal>(t.offset, std::strtod(t.text.c_str(), nullptr));
            return std::make_unique<Literal>(t.offset, v);
        }
        case Tok::floating: ++i_; return std::make_unique<Literal>(t.offset, std::strtod(t.text.c_str(), nullptr));
        case Tok::op:
            if (t.text == "(") {
                ++i_;
                if (is_op(")")) {  // empty tuple
                    ++i_;
                    return std::make_unique<ListExpr>(t.offset);
                }
                auto e = expression();
                expect_op(")");
                return e;
            }
            if (t.text == "[") {
                ++i_;
                auto list = std::make_unique<ListExpr>(t.offset);
                while (!is_op("]")) {
                    if (!list->items.empty()) {
                        expect_op(",");
                        if (is_op("]")) break;
                    }
                    list->items.push_back(condexpr(false, false));
                }
                ++i_;
                return list;
            }
            if (t.text == "{") {
                ++i_;
                auto dict = std::make_unique<DictExpr>(t.offset);
                while (!is_op("}")) {
                    if (!dict->items.empty()) {
                        expect_op(",");
                        if (is_op("}")) break;
                    }
                    auto k = condexpr(false, false);
                    expect_op(":");
                    auto v = condexpr(false, false);
                    dict->items.emplace_back(std::move(k), std::move(v));
                }
                ++i_;
                return dict;
            }
            [[fallthrough]];
        default: fail(t, "unexpected " + describe(t));
        }
    }

    ExprPtr postfix(ExprPtr node) {
        while (true) {
            if (is_op(".")) {
                size_t off = next().offset;
                const Token& t = peek();
                if (t.kind == Tok::name) {
                    ++i_;
                    node = std::make_unique<GetAttr>(off, std::move(node), t.text);
                } else if (t.kind == Tok::integer) {
                    ++i_;
                    int64_t index = 0;
                    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), index);
                    if (ec != std::errc()) fail(t, "index " + t.text + " is too large");
                    node = std::make_unique<GetItem>(off, std::move(node), std::make_unique<Literal>(t.offset, index));
                } else {
                    fail(t, "expected a name after '.', got " + describe(t));
                }
            } else if (is_op("[")) {
                size_t off = next().offset;
                node = subscript(off, std::move(node));
            } else if (is_op("(")) {
                size_t off = next().offset;
                auto call = std::make_unique<Call>(off);
                call->callee = std::move(node);
                call->args = arguments();
                node = std::move(call);
            } else {
                return node;
            }
        }
    }

    ExprPtr subscript(size_t off, ExprPtr base) {
        ExprPtr parts[3];
        int colons = 0;
        while (!is_op("]")) {
            if (is_op(":")) {
                if (++colons > 2) fail(peek(), "invalid slice");
                ++i_;
                continue;
            }
            if (parts[colons]) fail(peek(), "expected ']' or ':', got " + describe(peek()));
            parts[colons] = expression();
        }
        ++i_;
        if (colons == 0) {
            if (!parts[0]) fail(peek(), "expected a subscript");
            return std::make_unique<GetItem>(off, std::move(base), std::move(parts[0]));
        }
        auto s = std::make_unique<Slice>(off);
        s->base = std::move(base);
        s->start = std::move(parts[0]);
        s->stop = std::move(parts[1]);
        s->step = std::move(parts[2]);
        return s;
    }

    // After '(' : positional and name=value arguments, then ')'.
    Arguments arguments() {
        Arguments a;
        while (!is_op(")")) {
            if (!a.positional.empty() || !a.named.empty()) {
                expect_op(",");
                if (is_op(")")) break;
            }
            if (peek().kind == Tok::name && is_op("=", 1)) {
                std::string key = next().text;
                ++i_;
                a.named.emplace_back(key, condexpr(false, false));
            } else {
                if (!a.named.empty()) fail(peek(), "positional argument follows keyword argument");
                a.positional.push_back(condexpr(false, false));
            }
        }
        ++i_;
        return a;
    }

    ExprPtr filter_expr(ExprPtr node) {
        while (true) {
            if (is_op("|")) {
                ++i_;
                const Token& t = peek();
                std::string name = dotted_name();
                auto f = std::make_unique<Filter>(t.offset);
                f->input = std::move(node);
                f->name = name;
                f->fn = find_filter(name);
                if (!f->fn) fail(t, "unknown filter '" + name + "'");
                if (is_op("(")) {
                    ++i_;
                    f->args = arguments();
                }
                node = std::move(f);
            } else if (is_name("is")) {
                ++i_;
                auto test = std::make_unique<Test>(peek().offset);
                if (is_name("not")) {
                    ++i_;
                    test->negated = true;
                }
                const Token& t = peek();
                std::string name = dotted_name();
                test->name = name;
                test->fn = find_test(name);
                if (!test->fn) fail(t, "unknown test '" + name + "'");
                test->input = std::move(node);
                if (is_op("(")) {
                    ++i_;
                    test->args = arguments();
                } else if (starts_test_argument()) {
                    // `x is divisibleby 3`: one argument without parentheses.
                    test->args.positional.push_back(is_op("-") ? unary(false) : postfix(primary()));
                }
                node = std::move(test);
            } else {
                return node;
            }
        }
    }

    bool starts_test_argument() const {
        const Token& t = peek();
        switch (t.kind) {
        case Tok::name:
            return !(t.text == "else" || t.text == "or" || t.text == "and" || t.text == "is" || t.text == "in" ||
                     t.text == "if" || t.text == "not");
        case Tok::string:
        case Tok::integer:
        case Tok::floating: return true;
        case Tok::op: return t.text == "[" || t.text == "{" || t.text == "-";
        default: return false;
        }
    }

    std::string dotted_name() {
        std::string name = expect_name();
        while (is_op(".") && peek(1).kind == Tok::name) {
            i_ += 1;
            name += "." + next().text;
        }
        return name;
    }

    const std::string& src_;
    std::vector<Token> t_;
    size_t i_ = 0;
    int depth_ = 0;
};

}  // namespace

std::vector<NodePtr> parse(const std::string& source) { return Parser(source, tokenize(source)).run(); }

}  // namespace packhost::expr

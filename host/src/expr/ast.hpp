#pragma once
// The compiled form of a template: a tree of statements and expressions,
// built once by the parser and walked by the evaluator on every render.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "expr/value.hpp"

namespace packhost::expr {

class Evaluator;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    explicit Expr(size_t off) : offset(off) {}
    virtual ~Expr() = default;
    virtual Value eval(Evaluator& ev) const = 0;
    size_t offset;  // where it starts in the source, for error positions
};

struct Literal final : Expr {
    Literal(size_t off, Json v) : Expr(off), value(std::move(v)) {}
    Value eval(Evaluator&) const override { return Value::borrow(value); }
    Json value;
};

struct Name final : Expr {
    Name(size_t off, std::string n) : Expr(off), name(std::move(n)) {}
    Value eval(Evaluator& ev) const override;
    std::string name;
};

struct ListExpr final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    std::vector<ExprPtr> items;
};

struct DictExpr final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    std::vector<std::pair<ExprPtr, ExprPtr>> items;
};

struct GetAttr final : Expr {
    GetAttr(size_t off, ExprPtr b, std::string a) : Expr(off), base(std::move(b)), attr(std::move(a)) {}
    Value eval(Evaluator& ev) const override;
    ExprPtr base;
    std::string attr;
};

struct GetItem final : Expr {
    GetItem(size_t off, ExprPtr b, ExprPtr k) : Expr(off), base(std::move(b)), key(std::move(k)) {}
    Value eval(Evaluator& ev) const override;
    ExprPtr base, key;
};

struct Slice final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr base, start, stop, step;  // any of the last three may be null
};

struct Arguments {
    std::vector<ExprPtr> positional;
    std::vector<std::pair<std::string, ExprPtr>> named;
};

struct Call final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr callee;
    Arguments args;
};

struct FilterFn;
struct TestFn;

struct Filter final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr input;
    std::string name;
    const FilterFn* fn = nullptr;  // resolved at compile time
    Arguments args;
};

struct Test final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr input;
    std::string name;
    const TestFn* fn = nullptr;
    Arguments args;
    bool negated = false;
};

struct Unary final : Expr {
    Unary(size_t off, char o, ExprPtr e) : Expr(off), op(o), operand(std::move(e)) {}
    Value eval(Evaluator& ev) const override;
    char op;  // '-', '+', '!' (not)
    ExprPtr operand;
};

struct Binary final : Expr {
    Binary(size_t off, std::string o, ExprPtr l, ExprPtr r)
        : Expr(off), op(std::move(o)), left(std::move(l)), right(std::move(r)) {}
    Value eval(Evaluator& ev) const override;
    std::string op;  // + - * / // % ** ~ and or
    ExprPtr left, right;
};

struct Compare final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr first;
    std::vector<std::pair<std::string, ExprPtr>> rest;  // == != < <= > >= in notin
};

struct CondExpr final : Expr {
    using Expr::Expr;
    Value eval(Evaluator& ev) const override;
    ExprPtr test, then, otherwise;  // otherwise may be null (-> undefined)
};

// Statements.
struct Node {
    explicit Node(size_t off) : offset(off) {}
    virtual ~Node() = default;
    virtual void render(Evaluator& ev, std::string& out) const = 0;
    size_t offset;
};
using NodePtr = std::unique_ptr<Node>;

struct TextNode final : Node {
    TextNode(size_t off, std::string t) : Node(off), text(std::move(t)) {}
    void render(Evaluator&, std::string& out) const override { out += text; }
    std::string text;
};

struct OutputNode final : Node {
    OutputNode(size_t off, ExprPtr e) : Node(off), expr(std::move(e)) {}
    void render(Evaluator& ev, std::string& out) const override;
    ExprPtr expr;
};

struct IfNode final : Node {
    using Node::Node;
    void render(Evaluator& ev, std::string& out) const override;
    std::vector<std::pair<ExprPtr, std::vector<NodePtr>>> branches;
    std::vector<NodePtr> otherwise;
};

struct ForNode final : Node {
    using Node::Node;
    void render(Evaluator& ev, std::string& out) const override;
    std::vector<std::string> targets;  // one name, or several to unpack
    ExprPtr iter;
    ExprPtr filter;  // `for x in xs if cond`; may be null
    std::vector<NodePtr> body;
    std::vector<NodePtr> otherwise;
};

struct SetNode final : Node {
    using Node::Node;
    void render(Evaluator& ev, std::string& out) const override;
    std::vector<std::string> targets;
    ExprPtr value;
};

}  // namespace packhost::expr

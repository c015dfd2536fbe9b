#pragma once
// Walks a compiled template against a Context: variable scopes (the template,
// then one per `for` loop), and the source text for error positions.
#include <string>
#include <utility>
#include <vector>

#include "expr/ast.hpp"
#include "expr/context.hpp"

namespace packhost::expr {

class Evaluator {
public:
    Evaluator(const std::string& source, const Context& context) : source_(source), context_(context) {
        frames_.emplace_back();
    }

    Value lookup(const std::string& name) const;
    void assign(const std::string& name, Value v) { assign_in(frames_.back(), name, std::move(v)); }
    void push_frame() { frames_.emplace_back(); }
    void pop_frame() { frames_.pop_back(); }

    // Evaluates `e`, turning an EvalError into a TemplateError at e's position.
    Value eval(const Expr& e);
    CallArgs eval_args(const Arguments& args);
    void render(const std::vector<NodePtr>& body, std::string& out);

    const std::string& source() const { return source_; }
    const Context& context() const { return context_; }

    // Python's truth of `v`; an undefined one is an error when the context is strict.
    bool truth(const Value& v) const {
        if (v.is_undefined() && context_.strict()) throw EvalError("UndefinedError: " + v.hint());
        return truthy(v);
    }

    // Counts one loop iteration; throws past the per-render budget.
    void count_iteration(size_t offset);

    // Calls a filter or test by name (map('upper'), select('odd')).
    Value apply_filter(const std::string& name, const Value& input, CallArgs& args);
    bool apply_test(const std::string& name, const Value& input, CallArgs& args);

private:
    using Frame = std::vector<std::pair<std::string, Value>>;
    static void assign_in(Frame& f, const std::string& name, Value v);

    const std::string& source_;
    const Context& context_;
    std::vector<Frame> frames_;
    size_t iterations_ = 0;
};

// Limits of one render: templates come from users and rules, and a
// runaway one must fail, not take the host down.
inline constexpr size_t kMaxOutputBytes = 64u << 20;
inline constexpr size_t kMaxIterations = 1000000;

}  // namespace packhost::expr

#pragma once
// Evaluates a parsed YAQL expression over JSON values: `$` and `$name`
// variables in nested scopes (a lambda argument such as select's gets its
// own `$`), operators with YAQL's semantics, and calls resolved in this
// order: YAQL's standard library, the functions the Context defines (ctx(),
// result(), task(), st2kv() in workflows), StackStorm's filters called as
// functions (json_parse(x), x.json_parse()).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expr/context.hpp"
#include "expr/value.hpp"
#include "expr/yaql/syntax.hpp"

namespace packhost::expr {
class Evaluator;
}

namespace packhost::expr::yaql {

class Interpreter;

// A missing key (`$.nokey`, `{a => 1}[b]`): Orquesta words it apart
// ("Unable to resolve key 'nokey' in expression ...").
class KeyMissing : public EvalError {
public:
    explicit KeyMissing(std::string key) : EvalError("KeyError: '" + key + "'"), key_(std::move(key)) {}
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

// The arguments of one call. Positional ones are evaluated when first
// asked for, so a function can instead evaluate one as a lambda, once per
// item, with `$` set to the item (select, where, orderBy...).
class Args {
public:
    Args(Interpreter& in, const Node& call, std::optional<Value> receiver);

    const std::string& name() const { return name_; }
    size_t size() const { return nodes_.size() + (receiver_ ? 1 : 0); }
    bool has(size_t i) const;
    // Positional argument `i` (the receiver of a method call is 0).
    const Value& at(size_t i);
    // Argument `i` evaluated with `$` (and `$1`) set to `a`, `$2` to `b`.
    Value apply(size_t i, const Value& a, const Value* b = nullptr);
    // A `name => value` argument, evaluated; nullopt when not given.
    std::optional<Value> named(std::string_view name);
    // Every `key => value` pair as written, for switch(), dict(), let().
    const std::vector<const Node*>& mappings() const { return mappings_; }
    Interpreter& interpreter() { return in_; }

    // Throws EvalError: wrong count or types for this function.
    [[noreturn]] void no_match() const;
    void expect_count(size_t min, size_t max) const {
        if (size() < min || size() > max) no_match();
    }

private:
    Interpreter& in_;
    std::string name_;
    std::optional<Value> receiver_;
    std::vector<const Node*> nodes_;  // positional, in order (null: left out)
    std::vector<std::optional<Value>> values_;
    std::vector<const Node*> mappings_;
};

using Function = Value (*)(Args&);

// YAQL's standard library by name; nullptr when it has none. Methods only
// (`x.zip(y)`) are not found as functions (`zip(x, y)` is Orquesta's).
Function find_function(std::string_view name, bool as_method);

class Interpreter {
public:
    // `root` is what `$` is at the top: a workflow's context.
    Interpreter(const std::string& source, const Context& context, Value root);
    ~Interpreter();

    // Evaluates `n`, turning an EvalError into a TemplateError at n's position.
    Value eval(const Node& n);
    // Evaluates `n` with `$`/`$1` set to `a` and `$2` to `b` (a lambda call).
    Value eval_with(const Node& n, const Value& a, const Value* b = nullptr);
    // Evaluates `n` with named variables set (let()).
    Value eval_with_vars(const Node& n, std::vector<std::pair<std::string, Value>> vars);

    const Context& context() const { return context_; }
    const std::string& source() const { return source_; }
    // A Jinja evaluator over the same context, for StackStorm's filters.
    Evaluator& jinja();

    // Calls a filter (StackStorm's or jinja2's) as a function; nullopt
    // when there is no filter of that name.
    std::optional<Value> call_filter(const std::string& name, Args& args);

private:
    using Frame = std::vector<std::pair<std::string, Value>>;

    Value evaluate(const Node& n);
    Value variable(const std::string& name) const;
    Value call(const Node& n, std::optional<Value> receiver);
    Value member(const Node& n);
    Value index(const Node& n);
    Value binary(const Node& n);
    Value unary(const Node& n);
    Value map_literal(const Node& n);

    const std::string& source_;
    const Context& context_;
    Value root_;
    std::vector<Frame> frames_;
    std::unique_ptr<Evaluator> jinja_;
    size_t depth_ = 0;
};

// Helpers the library files share.
namespace lib {
// Items of a list (or of a dict: its keys, as YAQL iterates a dict);
// throws EvalError for anything else. A string is not a collection.
std::vector<Value> items_of(const Value& v, const Args& args);
bool is_collection(const Json& j);
// Python's str() as YAQL prints: null, true, false, 1.5, text, [1, 2], {'a': 1}.
std::string to_text(const Json& j);
}  // namespace lib

}  // namespace packhost::expr::yaql

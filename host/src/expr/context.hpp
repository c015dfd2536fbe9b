#pragma once
// The names a template can see: a JSON object of variables plus named
// values with behaviour (st2kv, ctx(), functions), which shadow variables.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expr/call_args.hpp"
#include "expr/value.hpp"

namespace packhost::expr {

class Context {
public:
    Context() = default;
    // Borrows `vars` (must outlive every render with this context).
    explicit Context(const Json& vars) : vars_(&vars) {}

    void set(std::string name, Value value) { extra_.emplace_back(std::move(name), std::move(value)); }
    // A function callable from templates: `name(args...)`.
    void define_function(std::string name, std::function<Value(CallArgs&)> fn);

    // Asked for names that neither set() nor the variables define, so a
    // caller can compute values on demand (parameters referring to each other).
    void set_resolver(std::function<std::optional<Value>(const std::string&)> resolver) {
        resolver_ = std::move(resolver);
    }

    // Undefined (with jinja2's "'x' is undefined") when unknown.
    Value lookup(const std::string& name) const;

    // jinja2's StrictUndefined, as Orquesta renders workflows: an undefined
    // value printed, returned or tested for truth is an error, not "".
    void set_strict(bool strict) { strict_ = strict; }
    bool strict() const { return strict_; }

private:
    const Json* vars_ = nullptr;
    std::vector<std::pair<std::string, Value>> extra_;
    std::function<std::optional<Value>(const std::string&)> resolver_;
    bool strict_ = false;
};

// A callable Object wrapping a C++ function.
class Function : public Object {
public:
    Function(std::string name, std::function<Value(CallArgs&)> fn) : name_(std::move(name)), fn_(std::move(fn)) {}
    std::string type_name() const override { return "function"; }
    bool callable() const override { return true; }
    Value call(CallArgs& args) const override { return fn_(args); }
    Json to_json() const override { return "<function " + name_ + ">"; }

private:
    std::string name_;
    std::function<Value(CallArgs&)> fn_;
};

}  // namespace packhost::expr

#pragma once
// What a template expression evaluates to: a JSON value (borrowed from the
// context when possible, so `trigger.body.project` copies nothing), jinja2's
// Undefined, or an object with behaviour (loop, st2kv, functions).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::expr {

class Value;
struct CallArgs;

// A value with behaviour of its own. Attribute lookups and calls go through
// it; when printed or returned it shows as to_json().
class Object {
public:
    virtual ~Object() = default;
    virtual std::string type_name() const = 0;
    virtual std::optional<Value> attribute(std::string_view name) const;
    virtual bool callable() const { return false; }
    virtual Value call(CallArgs& args) const;
    virtual Json to_json() const { return nullptr; }
};

class Value {
public:
    enum class Kind : uint8_t { json, undefined, object };

    Value() : kind_(Kind::json) {}
    Value(Json j) : kind_(Kind::json), own_(std::move(j)) {}  // NOLINT: implicit on purpose
    static Value borrow(const Json& j) {
        Value v;
        v.ref_ = &j;
        return v;
    }
    static Value undefined(std::string hint) {
        Value v;
        v.kind_ = Kind::undefined;
        v.hint_ = std::move(hint);
        return v;
    }
    static Value object(std::shared_ptr<const Object> o) {
        Value v;
        v.kind_ = Kind::object;
        v.obj_ = std::move(o);
        return v;
    }

    Kind kind() const { return kind_; }
    bool is_undefined() const { return kind_ == Kind::undefined; }
    bool is_object() const { return kind_ == Kind::object; }
    bool is_json() const { return kind_ == Kind::json; }

    // The JSON value (null for undefined; the object's to_json for objects).
    const Json& json() const;
    // The JSON value by value, moving it out when owned.
    Json take() &&;
    // Like json(), but an object shows as its to_json() (computed once).
    const Json& to_json() const {
        if (kind_ != Kind::object) return json();
        if (!obj_json_) obj_json_ = std::make_shared<Json>(obj_->to_json());
        return *obj_json_;
    }

    // True when the JSON lives elsewhere (the render context, a literal of
    // the compiled template): children may then be borrowed too. An owned
    // value's children are copied, so nothing points into a temporary.
    bool borrowed() const { return ref_ != nullptr; }

    const std::shared_ptr<const Object>& obj() const { return obj_; }
    // Why it is undefined: "'foo' is undefined", "'dict object' has no attribute 'x'".
    const std::string& hint() const { return hint_; }

private:
    Kind kind_;
    const Json* ref_ = nullptr;
    Json own_;
    std::shared_ptr<const Object> obj_;
    mutable std::shared_ptr<Json> obj_json_;
    std::string hint_;
};

// Raised for anything a template does wrong at run time (undefined
// attribute, type error, bad filter argument). The renderer adds the
// position.
class EvalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Python semantics, as jinja2 has them.
bool truthy(const Value& v);
// Python's str(): None, True, 1.5, 'a' -> a, [1, 'a'], {'k': 1}.
std::string to_str(const Value& v);
std::string to_str(const Json& j);
// Python's repr().
std::string repr(const Json& j);
// Python's repr() of a float: 1.0, 0.1, 1e+16, 1.5e-05, inf, nan.
std::string float_repr(double d);
// jinja2's type names in messages: 'str object', 'dict object', 'int object'.
std::string type_name(const Value& v);
std::string python_type(const Json& j);  // str, int, float, bool, NoneType, list, dict

}  // namespace packhost::expr

#include "expr/yaql/interpreter.hpp"

#include <cmath>
#include <limits>

#include "core/regex.hpp"
#include "expr/budget.hpp"
#include "expr/builtins.hpp"
#include "expr/evaluator.hpp"
#include "expr/operations.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr::yaql {
namespace {

// Nesting of evaluation (lambdas in lambdas, long operator chains).
constexpr size_t kMaxDepth = 200;

std::string what_is(const Value& v) {
    if (v.is_object()) return v.obj()->type_name();
    const Json& j = v.json();
    if (j.is_null()) return "null";
    if (j.is_boolean()) return "boolean";
    if (j.is_number_integer()) return "integer";
    if (j.is_number_float()) return "number";
    if (j.is_string()) return "string";
    if (j.is_array()) return "list";
    return "dict";
}

[[noreturn]] void no_operator(const std::string& op, const Value& a, const Value& b) {
    throw EvalError("No function \"#operator_" + op + "\" matches supplied arguments (" + what_is(a) + ", " +
                    what_is(b) + ")");
}

bool is_int(const Json& j) { return j.is_number_integer() || j.is_number_unsigned(); }
bool is_num(const Json& j) { return j.is_number(); }

Json arithmetic(const std::string& op, const Value& av, const Value& bv) {
    const Json& a = av.to_json();
    const Json& b = bv.to_json();
    if (is_num(a) && is_num(b)) {
        if (is_int(a) && is_int(b)) {
            int64_t x = as_int(a), y = as_int(b), r = 0;
            if (op == "+") {
                if (__builtin_add_overflow(x, y, &r)) throw EvalError("integer overflow");
                return r;
            }
            if (op == "-") {
                if (__builtin_sub_overflow(x, y, &r)) throw EvalError("integer overflow");
                return r;
            }
            if (op == "*") {
                if (__builtin_mul_overflow(x, y, &r)) throw EvalError("integer overflow");
                return r;
            }
            if (y == 0) throw EvalError("ZeroDivisionError: integer division or modulo by zero");
            if (x == std::numeric_limits<int64_t>::min() && y == -1) throw EvalError("integer overflow");
            // Python's floor division and modulo: the sign follows the divisor.
            int64_t q = x / y, m = x % y;
            if (m != 0 && ((m < 0) != (y < 0))) {
                --q;
                m += y;
            }
            return op == "/" ? q : m;
        }
        double x = as_double(a), y = as_double(b);
        if (op == "+") return x + y;
        if (op == "-") return x - y;
        if (op == "*") return x * y;
        if (y == 0) throw EvalError("ZeroDivisionError: float division by zero");
        if (op == "/") return x / y;
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return m;
    }
    if (op == "+") {
        if (a.is_string() && b.is_string()) {
            Budget::charge_bytes(a.get_ref<const std::string&>().size() + b.get_ref<const std::string&>().size());
            return a.get<std::string>() + b.get<std::string>();
        }
        if (a.is_array() && b.is_array()) {
            Budget::charge_bytes((a.size() + b.size()) * Budget::kElementBytes);
            Json out = a;
            for (const auto& e : b) out.push_back(e);
            return out;
        }
        if (a.is_object() && b.is_object()) {
            Budget::charge_bytes((a.size() + b.size()) * Budget::kElementBytes);
            Json out = a;
            for (const auto& [k, v] : b.items()) out[k] = v;
            return out;
        }
    }
    if (op == "*") {
        const Json* text = a.is_string() || a.is_array() ? &a : b.is_string() || b.is_array() ? &b : nullptr;
        const Json* times = text == &a ? &b : &a;
        if (text && is_int(*times) && !times->is_boolean()) {
            int64_t n = std::max<int64_t>(0, as_int(*times));
            if (text->is_string()) {
                const auto& s = text->get_ref<const std::string&>();
                Budget::charge_repeat(s.size(), static_cast<size_t>(n));
                std::string out;
                for (int64_t i = 0; i < n; ++i) out += s;
                return out;
            }
            Budget::charge_repeat(text->size() * Budget::kElementBytes, static_cast<size_t>(n));
            Json out = Json::array();
            for (int64_t i = 0; i < n; ++i) {
                for (const auto& e : *text) out.push_back(e);
            }
            return out;
        }
    }
    no_operator(op, av, bv);
}

bool compare(const std::string& op, const Value& av, const Value& bv) {
    const Json& a = av.to_json();
    const Json& b = bv.to_json();
    // YAQL orders null before everything (standard_library/common.py).
    if (a.is_null() || b.is_null()) {
        if (op == "<") return a.is_null() && !b.is_null();
        if (op == ">") return !a.is_null() && b.is_null();
        if (op == "<=") return a.is_null();
        return b.is_null();  // >=
    }
    bool numbers = is_num(a) && is_num(b);
    bool strings = a.is_string() && b.is_string();
    if (!numbers && !strings) no_operator(op, av, bv);
    if (op == "<") return py_less(a, b);
    if (op == ">") return py_less(b, a);
    if (op == "<=") return !py_less(b, a);
    return !py_less(a, b);
}

bool contains(const Value& item, const Value& in) {
    const Json& c = in.to_json();
    const Json& x = item.to_json();
    if (c.is_string()) {
        if (!x.is_string()) no_operator("in", item, in);
        return c.get_ref<const std::string&>().find(x.get_ref<const std::string&>()) != std::string::npos;
    }
    if (c.is_array()) {
        Budget::charge_steps(c.size());
        for (const auto& e : c) {
            if (py_equal(e, x)) return true;
        }
        return false;
    }
    no_operator("in", item, in);
}

bool regex_matches(const Value& text, const Value& pattern, const std::string& op) {
    if (!text.to_json().is_string() || !pattern.to_json().is_string()) no_operator(op, text, pattern);
    try {
        return core::Regex::compile(pattern.to_json().get<std::string>()).search(text.to_json().get<std::string>());
    } catch (const std::invalid_argument& e) {
        throw EvalError(e.what());
    }
}

// A dict's value by key, borrowed when the dict is.
Value child(const Value& obj, const Json& j, const std::string& key) {
    auto it = j.find(key);
    if (it == j.end()) throw KeyMissing(key);
    return obj.borrowed() ? Value::borrow(*it) : Value(Json(*it));
}

Value attribute(const Value& obj, const std::string& key) {
    if (obj.is_object()) {
        if (auto v = obj.obj()->attribute(key)) return *v;
        throw EvalError("'" + obj.obj()->type_name() + "' has no attribute '" + key + "'");
    }
    const Json& j = obj.json();
    if (j.is_object()) return child(obj, j, key);
    if (j.is_array()) {
        // `$.servers.name`: the attribute of every item.
        Json out = Json::array();
        Budget::charge_steps(j.size());
        for (const auto& e : j) {
            if (!e.is_object()) throw EvalError("Unknown function \"#property#" + key + "\" for an item of a list");
            auto it = e.find(key);
            if (it == e.end()) throw KeyMissing(key);
            out.push_back(*it);
        }
        Budget::charge_bytes(out.size() * Budget::kElementBytes);
        return out;
    }
    throw EvalError("Unknown function \"#property#" + key + "\" for " + what_is(obj) + " " + lib::to_text(j));
}

}  // namespace

// --- Args -----------------------------------------------------------------------------

Args::Args(Interpreter& in, const Node& call, std::optional<Value> receiver)
    : in_(in), name_(call.text), receiver_(std::move(receiver)) {
    size_t first = call.method ? 1 : 0;
    for (size_t i = first; i < call.kids.size(); ++i) {
        const Node* k = call.kids[i].get();
        if (k && k->kind == Node::Kind::mapping) {
            mappings_.push_back(k);
        } else {
            if (!mappings_.empty()) throw EvalError(name_ + "(): a positional argument follows a named one");
            nodes_.push_back(k);
        }
    }
    values_.resize(nodes_.size());
}

bool Args::has(size_t i) const {
    if (receiver_) {
        if (i == 0) return true;
        --i;
    }
    return i < nodes_.size() && nodes_[i] != nullptr;
}

const Value& Args::at(size_t i) {
    if (receiver_) {
        if (i == 0) return *receiver_;
        --i;
    }
    if (i >= nodes_.size() || !nodes_[i]) no_match();
    if (!values_[i]) values_[i] = in_.eval(*nodes_[i]);
    return *values_[i];
}

Value Args::apply(size_t i, const Value& a, const Value* b) {
    if (receiver_) {
        if (i == 0) return *receiver_;
        --i;
    }
    if (i >= nodes_.size() || !nodes_[i]) no_match();
    return in_.eval_with(*nodes_[i], a, b);
}

std::optional<Value> Args::named(std::string_view name) {
    for (const Node* m : mappings_) {
        const Node& key = *m->kids[0];
        if ((key.kind == Node::Kind::keyword && key.text == name) ||
            (key.kind == Node::Kind::constant && key.value.is_string() &&
             key.value.get_ref<const std::string&>() == name))
            return in_.eval(*m->kids[1]);
    }
    return std::nullopt;
}

void Args::no_match() const { throw EvalError("No function \"" + name_ + "\" matches supplied arguments"); }

// --- Interpreter ------------------------------------------------------------------------

Interpreter::Interpreter(const std::string& source, const Context& context, Value root)
    : source_(source), context_(context), root_(std::move(root)) {}

Interpreter::~Interpreter() = default;

Evaluator& Interpreter::jinja() {
    if (!jinja_) jinja_ = std::make_unique<Evaluator>(source_, context_);
    return *jinja_;
}

std::optional<Value> Interpreter::call_filter(const std::string& name, Args& args) {
    const FilterFn* f = is_st2_function(name) ? find_filter(name) : nullptr;
    if (!f || args.size() == 0) return std::nullopt;
    CallArgs rest;
    for (size_t i = 1; i < args.size(); ++i) rest.positional.push_back(args.has(i) ? args.at(i) : Value(nullptr));
    for (const Node* m : args.mappings()) {
        const Node& key = *m->kids[0];
        if (key.kind != Node::Kind::keyword) args.no_match();
        rest.named.emplace_back(key.text, eval(*m->kids[1]));
    }
    return f->fn(jinja(), args.at(0), rest);
}

Value Interpreter::eval(const Node& n) {
    if (++depth_ > kMaxDepth) {
        --depth_;
        throw TemplateError::at(source_, n.offset,
                                "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    struct Leave {
        size_t& d;
        ~Leave() { --d; }
    } leave{depth_};
    try {
        return evaluate(n);
    } catch (const KeyMissing&) {
        throw;  // worded by the caller, with the whole expression
    } catch (const EvalError& e) {
        throw TemplateError::at(source_, n.offset, e.what());
    }
}

Value Interpreter::eval_with(const Node& n, const Value& a, const Value* b) {
    Budget::charge_steps(1);
    Frame f;
    f.emplace_back("", a);
    f.emplace_back("1", a);
    if (b) f.emplace_back("2", *b);
    frames_.push_back(std::move(f));
    struct Pop {
        std::vector<Frame>& fs;
        ~Pop() { fs.pop_back(); }
    } pop{frames_};
    return eval(n);
}

Value Interpreter::eval_with_vars(const Node& n, std::vector<std::pair<std::string, Value>> vars) {
    frames_.push_back(std::move(vars));
    struct Pop {
        std::vector<Frame>& fs;
        ~Pop() { fs.pop_back(); }
    } pop{frames_};
    return eval(n);
}

Value Interpreter::variable(const std::string& name) const {
    for (auto f = frames_.rbegin(); f != frames_.rend(); ++f) {
        for (auto v = f->rbegin(); v != f->rend(); ++v) {
            if (v->first == name) return v->second;
        }
    }
    if (name.empty() || name == "1") return root_;
    return Value(nullptr);  // YAQL: an unknown $name is null
}

Value Interpreter::evaluate(const Node& n) {
    switch (n.kind) {
    case Node::Kind::constant: return Value::borrow(n.value);
    case Node::Kind::keyword: return Json(n.text);
    case Node::Kind::dollar: return variable(n.text);
    case Node::Kind::call: {
        if (!n.method) return call(n, std::nullopt);
        Value receiver = eval(*n.kids[0]);
        if (n.null_safe && receiver.json().is_null() && !receiver.is_object()) return Json(nullptr);
        return call(n, std::move(receiver));
    }
    case Node::Kind::member: return member(n);
    case Node::Kind::index: return index(n);
    case Node::Kind::list: {
        Json out = Json::array();
        for (const auto& k : n.kids) {
            if (!k) throw EvalError("a list item is missing");
            Value v = eval(*k);
            check_nestable(v.to_json());
            out.push_back(std::move(v).take());
        }
        Budget::charge_bytes(out.size() * Budget::kElementBytes);
        return out;
    }
    case Node::Kind::map: return map_literal(n);
    case Node::Kind::unary: return unary(n);
    case Node::Kind::binary: return binary(n);
    case Node::Kind::chain: {
        const Node& left = *n.kids[0];
        // let(x => 1, ...) -> $x: the right side sees the variables.
        if (left.kind == Node::Kind::call && !left.method && left.text == "let") {
            std::vector<std::pair<std::string, Value>> vars;
            size_t position = 0;
            for (const auto& k : left.kids) {
                if (!k) continue;
                if (k->kind == Node::Kind::mapping) {
                    const Node& key = *k->kids[0];
                    if (key.kind != Node::Kind::keyword) throw EvalError("let(): a variable is named name => value");
                    vars.emplace_back(key.text, eval(*k->kids[1]));
                } else {
                    vars.emplace_back(std::to_string(++position), eval(*k));
                }
            }
            return eval_with_vars(*n.kids[1], std::move(vars));
        }
        // YAQL passes only a context (what let() makes) to the right side.
        eval(left);
        throw EvalError("No function \"#operator_->\" matches supplied arguments");
    }
    case Node::Kind::mapping: throw EvalError("'=>' is only known in function arguments and maps");
    }
    throw EvalError("unknown expression");
}

Value Interpreter::map_literal(const Node& n) {
    Json out = Json::object();
    for (const auto& m : n.kids) {
        const Node& key = *m->kids[0];
        std::string k;
        if (key.kind == Node::Kind::keyword) {
            k = key.text;
        } else {
            Value kv = eval(key);
            if (!kv.to_json().is_string())
                k = lib::to_text(kv.to_json());  // JSON keys are text
            else
                k = kv.to_json().get<std::string>();
        }
        Value v = eval(*m->kids[1]);
        check_nestable(v.to_json());
        out[k] = std::move(v).take();
    }
    Budget::charge_bytes(out.size() * Budget::kElementBytes);
    return out;
}

Value Interpreter::call(const Node& n, std::optional<Value> receiver) {
    Budget::charge_steps(1);
    Args args(*this, n, std::move(receiver));
    if (Function f = find_function(n.text, n.method)) return f(args);
    // The functions the caller defines (ctx(), result(), task(), st2kv()).
    Value defined = context_.lookup(n.text);
    if (defined.is_object() && defined.obj()->callable()) {
        CallArgs call_args;
        for (size_t i = 0; i < args.size(); ++i)
            call_args.positional.push_back(args.has(i) ? args.at(i) : Value(nullptr));
        for (const Node* m : args.mappings()) {
            const Node& key = *m->kids[0];
            if (key.kind != Node::Kind::keyword)
                throw EvalError(n.text + "(): a named argument is written name => value");
            call_args.named.emplace_back(key.text, eval(*m->kids[1]));
        }
        return defined.obj()->call(call_args);
    }
    if (auto v = call_filter(n.text, args)) return std::move(*v);
    if (n.method) {
        throw EvalError("Unknown method \"" + n.text + "\" for receiver " +
                        (args.size() ? lib::to_text(args.at(0).to_json()) : std::string("null")));
    }
    throw EvalError("Unknown function \"" + n.text + "\"");
}

Value Interpreter::member(const Node& n) {
    Value left = eval(*n.kids[0]);
    if (n.null_safe && !left.is_object() && left.json().is_null()) return Json(nullptr);
    const Node& right = *n.kids[1];
    if (right.kind == Node::Kind::keyword) return attribute(left, right.text);
    return eval_with(right, left);
}

Value Interpreter::index(const Node& n) {
    Value base = eval(*n.kids[0]);
    if (n.kids.size() > 3 || !n.kids[1]) throw EvalError("No function \"#indexer\" matches supplied arguments");
    Value key = eval(*n.kids[1]);
    const Json& j = base.to_json();
    const Json& k = key.to_json();
    if (j.is_object()) {
        if (n.kids.size() == 3) {  // dict[key, default]
            auto it = k.is_string() ? j.find(k.get_ref<const std::string&>()) : j.end();
            if (it == j.end()) return n.kids[2] ? eval(*n.kids[2]) : Value(nullptr);
            return base.borrowed() ? Value::borrow(*it) : Value(Json(*it));
        }
        if (!k.is_string()) throw KeyMissing(lib::to_text(k));
        return child(base, j, k.get<std::string>());
    }
    if (j.is_array() && is_int(k) && !k.is_boolean() && n.kids.size() == 2) {
        int64_t i = as_int(k), size = static_cast<int64_t>(j.size());
        if (i < 0) i += size;
        if (i < 0 || i >= size) throw EvalError("IndexError: list index out of range");
        const Json& e = j[static_cast<size_t>(i)];
        return base.borrowed() ? Value::borrow(e) : Value(Json(e));
    }
    throw EvalError("No function \"#indexer\" matches supplied arguments (" + what_is(base) + ", " + what_is(key) +
                    ")");
}

Value Interpreter::unary(const Node& n) {
    Value v = eval(*n.kids[0]);
    if (n.text == "not") return Json(!truthy(v));
    const Json& j = v.to_json();
    if (!is_num(j) || j.is_boolean())
        throw EvalError("No function \"#unary_operator_" + n.text + "\" matches supplied arguments (" + what_is(v) +
                        ")");
    if (n.text == "+") return j;
    if (is_int(j)) {
        int64_t x = as_int(j);
        if (x == std::numeric_limits<int64_t>::min()) throw EvalError("integer overflow");
        return Json(-x);
    }
    return Json(-j.get<double>());
}

Value Interpreter::binary(const Node& n) {
    const std::string& op = n.text;
    Value a = eval(*n.kids[0]);
    // Python's and/or: the deciding operand, the right one not evaluated when not needed.
    if (op == "and") return truthy(a) ? eval(*n.kids[1]) : a;
    if (op == "or") return truthy(a) ? a : eval(*n.kids[1]);
    Value b = eval(*n.kids[1]);
    if (op == "=") return Json(py_equal(a.to_json(), b.to_json()));
    if (op == "!=") return Json(!py_equal(a.to_json(), b.to_json()));
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return Json(compare(op, a, b));
    if (op == "in") return Json(contains(a, b));
    if (op == "=~") return Json(regex_matches(a, b, op));
    if (op == "!~") return Json(!regex_matches(a, b, op));
    if (op == "mod") return arithmetic("%", a, b);
    return arithmetic(op, a, b);
}

// --- shared helpers ---------------------------------------------------------------------

namespace lib {

bool is_collection(const Json& j) { return j.is_array() || j.is_object(); }

std::vector<Value> items_of(const Value& v, const Args& args) {
    const Json& j = v.to_json();
    std::vector<Value> out;
    if (j.is_array()) {
        out.reserve(j.size());
        for (const auto& e : j) out.push_back(v.borrowed() ? Value::borrow(e) : Value(Json(e)));
    } else if (j.is_object()) {
        out.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it) out.push_back(Json(it.key()));
    } else {
        args.no_match();
    }
    Budget::charge_steps(out.size());
    return out;
}

std::string to_text(const Json& j) {
    if (j.is_null()) return "null";
    if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
    return expr::to_str(j);
}

}  // namespace lib

}  // namespace packhost::expr::yaql

#include "expr/evaluator.hpp"

#include <stdexcept>

#include "expr/budget.hpp"
#include "expr/builtins.hpp"
#include "expr/operations.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr {

void Context::define_function(std::string name, std::function<Value(CallArgs&)> fn) {
    std::string n = name;
    set(std::move(n), Value::object(std::make_shared<Function>(std::move(name), std::move(fn))));
}

Value Context::lookup(const std::string& name) const {
    for (auto it = extra_.rbegin(); it != extra_.rend(); ++it) {
        if (it->first == name) return it->second;
    }
    if (vars_ && vars_->is_object()) {
        auto it = vars_->find(name);
        if (it != vars_->end()) return Value::borrow(*it);
    }
    if (resolver_) {
        if (auto v = resolver_(name)) return std::move(*v);
    }
    return Value::undefined("'" + name + "' is undefined");
}

void Evaluator::assign_in(Frame& f, const std::string& name, Value v) {
    for (auto& [k, old] : f) {
        if (k == name) {
            old = std::move(v);
            return;
        }
    }
    f.emplace_back(name, std::move(v));
}

Value Evaluator::lookup(const std::string& name) const {
    for (auto f = frames_.rbegin(); f != frames_.rend(); ++f) {
        for (auto it = f->rbegin(); it != f->rend(); ++it) {
            if (it->first == name) return it->second;
        }
    }
    return context_.lookup(name);
}

Value Evaluator::eval(const Expr& e) {
    try {
        return e.eval(*this);
    } catch (const EvalError& err) {
        throw TemplateError::at(source_, e.offset, err.what());
    } catch (const std::logic_error& err) {
        // A library refusing a value (a number out of range, a string too
        // long, JSON it cannot represent) is the template's error, never a
        // crash. Other exceptions (a parameter this one refers to failing)
        // pass through as they are.
        throw TemplateError::at(source_, e.offset, err.what());
    } catch (const Json::exception& err) {
        throw TemplateError::at(source_, e.offset, err.what());
    }
}

CallArgs Evaluator::eval_args(const Arguments& args) {
    CallArgs out;
    out.positional.reserve(args.positional.size());
    for (const auto& a : args.positional) out.positional.push_back(eval(*a));
    for (const auto& [k, v] : args.named) out.named.emplace_back(k, eval(*v));
    return out;
}

void Evaluator::render(const std::vector<NodePtr>& body, std::string& out) {
    for (const auto& n : body) {
        try {
            n->render(*this, out);
        } catch (const EvalError& err) {
            // Raised by the node itself (the budget paying for its output),
            // not by an expression, which would already carry a position.
            throw TemplateError::at(source_, n->offset, err.what());
        }
        if (out.size() > kMaxOutputBytes) {
            throw TemplateError::at(source_, n->offset,
                                    "output larger than " + std::to_string(kMaxOutputBytes >> 20) + " MiB");
        }
    }
}

void Evaluator::count_iteration(size_t offset) {
    Budget::charge_steps(1);
    if (++iterations_ > kMaxIterations) {
        throw TemplateError::at(source_, offset, "more than " + std::to_string(kMaxIterations) + " loop iterations");
    }
}

Value Evaluator::apply_filter(const std::string& name, const Value& input, CallArgs& args) {
    const FilterFn* f = find_filter(name);
    if (!f) throw EvalError("unknown filter '" + name + "'");
    return f->fn(*this, input, args);
}

bool Evaluator::apply_test(const std::string& name, const Value& input, CallArgs& args) {
    const TestFn* t = find_test(name);
    if (!t) throw EvalError("unknown test '" + name + "'");
    return t->fn(*this, input, args);
}

// --- expressions ---------------------------------------------------------

Value Name::eval(Evaluator& ev) const { return ev.lookup(name); }

Value ListExpr::eval(Evaluator& ev) const {
    Json out = Json::array();
    Budget::charge_repeat(Budget::kElementBytes, items.size());
    for (const auto& item : items) {
        Json v = std::move(ev.eval(*item)).take();
        check_nestable(v);
        out.push_back(std::move(v));
    }
    return out;
}

Value DictExpr::eval(Evaluator& ev) const {
    Json out = Json::object();
    Budget::charge_repeat(Budget::kElementBytes, items.size());
    for (const auto& [k, v] : items) {
        Value key = ev.eval(*k);
        std::string ks = key.json().is_string() ? key.json().get<std::string>() : to_str(key);
        Json value = std::move(ev.eval(*v)).take();
        check_nestable(value);
        out[ks] = std::move(value);
    }
    return out;
}

Value GetAttr::eval(Evaluator& ev) const { return get_attribute(ev.eval(*base), attr); }

Value GetItem::eval(Evaluator& ev) const {
    Value b = ev.eval(*base);
    Value k = ev.eval(*key);
    return get_item(b, k);
}

Value Slice::eval(Evaluator& ev) const {
    Value b = ev.eval(*base);
    Value none = Json(nullptr);
    return expr::slice(b, start ? ev.eval(*start) : none, stop ? ev.eval(*stop) : none, step ? ev.eval(*step) : none);
}

Value Call::eval(Evaluator& ev) const {
    // `x.method(...)`: str, dict and list methods are resolved here, so the
    // bound method never has to exist as a value.
    if (auto* attr = dynamic_cast<const GetAttr*>(callee.get())) {
        Value self = ev.eval(*attr->base);
        if (self.is_undefined()) throw EvalError(self.hint());
        if (self.is_json() && has_method(self, attr->attr)) {
            bool data_wins = self.json().is_object() && self.json().contains(attr->attr);
            if (!data_wins) {
                CallArgs args = ev.eval_args(this->args);
                return *call_method(self, attr->attr, args);
            }
        }
        Value fn = get_attribute(self, attr->attr);
        if (fn.is_object() && fn.obj()->callable()) {
            CallArgs args = ev.eval_args(this->args);
            return fn.obj()->call(args);
        }
        if (fn.is_undefined()) throw EvalError(fn.hint());
        throw EvalError("'" + type_name(fn) + "' is not callable");
    }
    Value fn = ev.eval(*callee);
    if (fn.is_undefined()) {
        // json_parse(x) is x | json_parse, as Orquesta registers StackStorm's functions.
        auto* name = dynamic_cast<const Name*>(callee.get());
        if (name && is_st2_function(name->name)) {
            CallArgs args = ev.eval_args(this->args);
            if (args.positional.empty()) throw EvalError(name->name + "() needs the value to work on");
            Value input = std::move(args.positional.front());
            args.positional.erase(args.positional.begin());
            return ev.apply_filter(name->name, input, args);
        }
        throw EvalError(fn.hint());
    }
    if (!fn.is_object() || !fn.obj()->callable()) throw EvalError("'" + type_name(fn) + "' is not callable");
    CallArgs args = ev.eval_args(this->args);
    return fn.obj()->call(args);
}

Value Filter::eval(Evaluator& ev) const {
    Value in = ev.eval(*input);
    CallArgs a = ev.eval_args(args);
    return fn->fn(ev, in, a);
}

Value Test::eval(Evaluator& ev) const {
    Value in = ev.eval(*input);
    CallArgs a = ev.eval_args(args);
    bool r = fn->fn(ev, in, a);
    return Json(negated ? !r : r);
}

Value Unary::eval(Evaluator& ev) const {
    Value v = ev.eval(*operand);
    if (op == '!') return Json(!ev.truth(v));
    if (op == '-') return negate(v);
    return positive(v);
}

Value Binary::eval(Evaluator& ev) const {
    if (op == "and") {
        Value l = ev.eval(*left);
        return ev.truth(l) ? ev.eval(*right) : l;
    }
    if (op == "or") {
        Value l = ev.eval(*left);
        return ev.truth(l) ? l : ev.eval(*right);
    }
    Value l = ev.eval(*left);
    Value r = ev.eval(*right);
    return binary_op(op, l, r);
}

Value Compare::eval(Evaluator& ev) const {
    Value left = ev.eval(*first);
    for (const auto& [op, expr] : rest) {
        Value right = ev.eval(*expr);
        bool ok;
        if (op == "==")
            ok = py_equal(left, right);
        else if (op == "!=")
            ok = !py_equal(left, right);
        else if (op == "in")
            ok = py_contains(right, left);
        else if (op == "notin")
            ok = !py_contains(right, left);
        else {
            if (left.is_undefined()) throw EvalError(left.hint());
            if (right.is_undefined()) throw EvalError(right.hint());
            const Json& a = left.to_json();
            const Json& b = right.to_json();
            if (op == "<")
                ok = py_less(a, b);
            else if (op == ">")
                ok = py_less(b, a);
            else if (op == "<=")
                ok = !py_less(b, a);
            else
                ok = !py_less(a, b);
        }
        if (!ok) return Json(false);
        left = std::move(right);
    }
    return Json(true);
}

Value CondExpr::eval(Evaluator& ev) const {
    if (ev.truth(ev.eval(*test))) return ev.eval(*then);
    if (otherwise) return ev.eval(*otherwise);
    return Value::undefined("the inline if-expression evaluated to false and no else section was defined");
}

// --- statements ------------------------------------------------------------

void OutputNode::render(Evaluator& ev, std::string& out) const {
    Value v = ev.eval(*expr);
    if (v.is_undefined()) {
        if (ev.context().strict()) throw TemplateError::at(ev.source(), expr->offset, "UndefinedError: " + v.hint());
        return;
    }
    if (v.is_json() && v.json().is_string()) {
        Budget::charge_bytes(v.json().get_ref<const std::string&>().size());
        out += v.json().get_ref<const std::string&>();
    } else {
        std::string text = to_str(v);
        Budget::charge_bytes(text.size());
        out += text;
    }
}

void IfNode::render(Evaluator& ev, std::string& out) const {
    for (const auto& [cond, body] : branches) {
        if (ev.truth(ev.eval(*cond))) {
            ev.render(body, out);
            return;
        }
    }
    ev.render(otherwise, out);
}

namespace {

// jinja2's `loop` variable.
class LoopObject final : public Object {
public:
    explicit LoopObject(const std::vector<Value>& items) : items_(items) {}
    std::string type_name() const override { return "LoopContext"; }
    std::optional<Value> attribute(std::string_view name) const override {
        int64_t n = static_cast<int64_t>(items_.size());
        if (name == "index") return Value(Json(index0 + 1));
        if (name == "index0") return Value(Json(index0));
        if (name == "revindex") return Value(Json(n - index0));
        if (name == "revindex0") return Value(Json(n - index0 - 1));
        if (name == "first") return Value(Json(index0 == 0));
        if (name == "last") return Value(Json(index0 == n - 1));
        if (name == "length") return Value(Json(n));
        if (name == "depth") return Value(Json(1));
        if (name == "previtem") {
            if (index0 == 0) return Value::undefined("there is no previous item");
            return items_[static_cast<size_t>(index0 - 1)];
        }
        if (name == "nextitem") {
            if (index0 + 1 >= n) return Value::undefined("there is no next item");
            return items_[static_cast<size_t>(index0 + 1)];
        }
        return std::nullopt;
    }
    Json to_json() const override {
        return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items_.size()) + ">";
    }
    int64_t index0 = 0;

private:
    const std::vector<Value>& items_;
};

}  // namespace

void ForNode::render(Evaluator& ev, std::string& out) const {
    Value seq = ev.eval(*iter);
    std::vector<Value> items;
    try {
        items = iterate(seq);
    } catch (const EvalError& e) {
        throw TemplateError::at(ev.source(), iter->offset, e.what());
    }
    auto bind = [&](const Value& item) {
        if (targets.size() == 1) {
            ev.assign(targets[0], item);
            return;
        }
        std::vector<Value> parts;
        try {
            parts = iterate(item);
        } catch (const EvalError& e) {
            throw TemplateError::at(ev.source(), offset, std::string("cannot unpack: ") + e.what());
        }
        if (parts.size() != targets.size()) {
            throw TemplateError::at(ev.source(), offset,
                                    parts.size() > targets.size()
                                        ? "too many values to unpack (expected " + std::to_string(targets.size()) + ")"
                                        : "not enough values to unpack (expected " + std::to_string(targets.size()) +
                                              ", got " + std::to_string(parts.size()) + ")");
        }
        for (size_t i = 0; i < targets.size(); ++i) ev.assign(targets[i], parts[i]);
    };
    if (filter) {
        // `for x in xs if cond`: loop.* counts only the items that pass.
        std::vector<Value> kept;
        ev.push_frame();
        for (const auto& item : items) {
            ev.count_iteration(offset);
            bind(item);
            if (ev.truth(ev.eval(*filter))) kept.push_back(item);
        }
        ev.pop_frame();
        items = std::move(kept);
    }
    if (items.empty()) {
        ev.render(otherwise, out);
        return;
    }
    auto loop = std::make_shared<LoopObject>(items);
    ev.push_frame();
    ev.assign("loop", Value::object(loop));
    for (size_t i = 0; i < items.size(); ++i) {
        ev.count_iteration(offset);
        loop->index0 = static_cast<int64_t>(i);
        bind(items[i]);
        ev.render(body, out);
    }
    ev.pop_frame();
}

void SetNode::render(Evaluator& ev, std::string&) const {
    Value v = ev.eval(*value);
    if (targets.size() == 1) {
        ev.assign(targets[0], std::move(v));
        return;
    }
    auto parts = iterate(v);
    if (parts.size() != targets.size()) {
        throw TemplateError::at(ev.source(), offset,
                                "cannot unpack " + std::to_string(parts.size()) + " values into " +
                                    std::to_string(targets.size()) + " names");
    }
    for (size_t i = 0; i < targets.size(); ++i) ev.assign(targets[i], parts[i]);
}

}  // namespace packhost::expr

#include "expr/template.hpp"

#include "expr/budget.hpp"
#include "expr/evaluator.hpp"
#include "expr/lexer.hpp"
#include "expr/operations.hpp"
#include "expr/parser.hpp"

namespace packhost::expr {

std::shared_ptr<const Template> Template::compile(const std::string& source) {
    auto t = std::make_shared<Template>();
    t->source_ = normalise_source(source);
    t->body_ = parse(t->source_);
    // One output node, with nothing but whitespace text around it.
    const Expr* single = nullptr;
    int outputs = 0;
    bool other = false;
    for (const auto& n : t->body_) {
        if (auto* out = dynamic_cast<const OutputNode*>(n.get())) {
            ++outputs;
            single = out->expr.get();
        } else if (auto* text = dynamic_cast<const TextNode*>(n.get())) {
            if (text->text.find_first_not_of(" \t\n\r") != std::string::npos) other = true;
        } else {
            other = true;
        }
    }
    if (outputs == 1 && !other) t->single_ = single;
    return t;
}

std::string Template::render(const Context& context) const {
    Budget::Scope budget;
    Evaluator ev(source_, context);
    std::string out;
    ev.render(body_, out);
    return out;
}

Json Template::render_value(const Context& context) const {
    if (!single_) return render(context);
    Budget::Scope budget;
    Evaluator ev(source_, context);
    Value v = ev.eval(*single_);
    if (v.is_undefined() && context.strict())
        throw TemplateError::at(source_, single_->offset, "UndefinedError: " + v.hint());
    return std::move(v).take();
}

bool is_template(std::string_view text) {
    return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos;
}

void add_global_functions(Context& context) {
    context.define_function("range", [](CallArgs& a) -> Value {
        std::vector<int64_t> n;
        for (const auto& v : a.positional) {
            if (!v.json().is_number_integer()) throw EvalError("range() arguments must be integers");
            n.push_back(v.json().get<int64_t>());
        }
        int64_t start = 0, stop = 0, step = 1;
        if (n.size() == 1)
            stop = n[0];
        else if (n.size() == 2) {
            start = n[0];
            stop = n[1];
        } else if (n.size() == 3) {
            start = n[0];
            stop = n[1];
            step = n[2];
        } else
            throw EvalError("range expected 1 to 3 arguments, got " + std::to_string(n.size()));
        if (step == 0) throw EvalError("range() arg 3 must not be zero");
        Json out = Json::array();
        for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
            if (out.size() >= 100000) throw EvalError("range too big (more than 100000 items)");
            Budget::charge_bytes(Budget::kElementBytes);
            out.push_back(i);
            if (__builtin_add_overflow(i, step, &i)) break;  // past int64: nothing more is in range
        }
        return out;
    });
    context.define_function("dict", [](CallArgs& a) -> Value {
        Json out = Json::object();
        if (!a.positional.empty()) {
            const Json& src = a.positional[0].to_json();
            if (src.is_object()) out = src;
        }
        for (const auto& [k, v] : a.named) {
            check_nestable(v.to_json());
            out[k] = v.to_json();
        }
        return out;
    });
}

}  // namespace packhost::expr

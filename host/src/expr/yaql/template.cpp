#include "expr/yaql/template.hpp"

#include "expr/budget.hpp"
#include "expr/yaql/interpreter.hpp"
#include "expr/yaql/parser.hpp"

namespace packhost::expr::yaql {

bool has_expressions(std::string_view text) {
    auto open = text.find("<%");
    return open != std::string_view::npos && text.find("%>", open + 2) != std::string_view::npos;
}

std::shared_ptr<const Template> Template::compile(const std::string& source) {
    auto t = std::make_shared<Template>();
    t->source_ = source;
    size_t pos = 0;
    while (true) {
        size_t open = source.find("<%", pos);
        size_t close = open == std::string::npos ? std::string::npos : source.find("%>", open + 2);
        if (close == std::string::npos) {
            if (pos < source.size()) t->parts_.push_back({source.substr(pos), "", "", nullptr});
            break;
        }
        Part p;
        p.text = source.substr(pos, open - pos);
        p.written = source.substr(open, close + 2 - open);
        p.inner = source.substr(open + 2, close - open - 2);
        if (p.inner.find_first_not_of(" \t\r\n") == std::string::npos)
            throw TemplateError::at(source, open, "empty YAQL expression " + p.written);
        try {
            p.expr = parse(p.inner);
        } catch (const TemplateError& e) {
            // Positions in the whole text, not in the expression alone.
            size_t offset = open + 2, line = 1, col = 1;
            for (char ch : p.inner) {
                if (line > e.line() || (line == e.line() && col >= e.column())) break;
                ++offset;
                if (ch == '\n') {
                    ++line;
                    col = 1;
                } else {
                    ++col;
                }
            }
            throw TemplateError::at(source, offset, e.message() + " in " + p.written);
        }
        t->parts_.push_back(std::move(p));
        pos = close + 2;
    }
    t->single_ = t->parts_.size() == 1 && t->parts_[0].expr && t->parts_[0].text.empty();
    return t;
}

std::vector<std::string> Template::expressions() const {
    std::vector<std::string> out;
    for (const auto& p : parts_) {
        if (p.expr) out.push_back(p.written);
    }
    return out;
}

std::vector<const Node*> Template::trees() const {
    std::vector<const Node*> out;
    for (const auto& p : parts_) {
        if (p.expr) out.push_back(p.expr.get());
    }
    return out;
}

Json Template::render_value(const Context& context, const Value& root) const {
    Budget::Scope budget;
    std::string out;
    for (const auto& p : parts_) {
        out += p.text;
        if (!p.expr) continue;
        Json v;
        try {
            Interpreter in(p.inner, context, root);
            v = in.eval(*p.expr).to_json();
        } catch (const KeyMissing& e) {
            throw KeyError("Unable to resolve key '" + e.key() + "' in expression '" + p.written + "' from context.");
        } catch (const TemplateError& e) {
            throw TemplateError(e.message(), e.line(), e.column(), p.written);
        } catch (const EvalError& e) {
            throw TemplateError(e.what(), 1, 1, p.written);
        }
        if (single_) return v;
        if (v.is_string()) {
            out += v.get_ref<const std::string&>();
        } else {
            out += expr::to_str(v);  // Python's str(), as Orquesta prints
        }
        Budget::charge_bytes(out.size() / 8 + 1);
    }
    return Json(std::move(out));
}

}  // namespace packhost::expr::yaql

#pragma once
// Jinja templates over JSON, as StackStorm uses them everywhere: parameter
// defaults, rule parameters and criteria, workflow input/publish/when.
//
//   auto t = expr::Template::compile("{{ trigger.body.project | upper }}");
//   Json vars = ...;
//   Json v = t->render_value(expr::Context(vars));
//
// Semantics follow Python's jinja2 (the reference the test table is
// generated from): default Environment settings, Undefined that renders
// empty, Python's int/float arithmetic and str()/repr() of values.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.hpp"
#include "expr/context.hpp"
#include "expr/source_cache.hpp"
#include "expr/template_error.hpp"

namespace packhost::expr {

class Template {
public:
    // Throws TemplateError (with line and column) for a template that does
    // not parse, or names an unknown filter or test.
    static std::shared_ptr<const Template> compile(const std::string& source);

    // The rendered text. Throws TemplateError on a run-time error.
    std::string render(const Context& context) const;

    // A template that is exactly one `{{ expr }}` (surrounding whitespace
    // aside) yields the expression's JSON value (list, object, number,
    // bool, null; undefined yields null); any other template its text.
    Json render_value(const Context& context) const;

    bool is_single_expression() const { return single_ != nullptr; }
    const std::string& source() const { return source_; }

private:
    std::string source_;
    std::vector<NodePtr> body_;
    const Expr* single_ = nullptr;
};

// True when `text` contains template syntax ({{ or {%), i.e. needs rendering.
bool is_template(std::string_view text);

// Compiled templates by source text, shared by every render. Thread-safe.
using TemplateCache = SourceCache<Template>;

// Functions every template has: range(), dict().
void add_global_functions(Context& context);

}  // namespace packhost::expr

#pragma once
// Text holding YAQL expressions between <% and %>, evaluated as Orquesta
// evaluates it (orquesta/expressions/yql.py): a text that is exactly one
// expression yields the expression's JSON value; otherwise each expression
// is replaced by its value printed as Python prints it.
//
//   auto t = expr::yaql::Template::compile("<% ctx().hosts.select($.name) %>");
//   Json v = t->render_value(context, root);   // root: what `$` is at the top
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/context.hpp"
#include "expr/source_cache.hpp"
#include "expr/template_error.hpp"
#include "expr/yaql/syntax.hpp"

namespace packhost::expr::yaql {

// An expression that read a key its value does not have. The message is
// Orquesta's: "Unable to resolve key 'x' in expression '<% $.x %>' from context."
class KeyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Template {
public:
    // Throws TemplateError (line and column in `source`) for an expression
    // that does not parse.
    static std::shared_ptr<const Template> compile(const std::string& source);

    // Throws KeyError for a missing key and TemplateError for any other
    // failure; TemplateError::message() names the expression and why.
    Json render_value(const Context& context, const Value& root) const;

    const std::string& source() const { return source_; }
    // The expressions as written, delimiters included, in order.
    std::vector<std::string> expressions() const;
    // Each expression's tree, for checks that walk them (workflow inspect).
    std::vector<const Node*> trees() const;

private:
    struct Part {
        std::string text;     // literal text before the expression
        std::string written;  // "<% ... %>"
        std::string inner;    // what the expression's offsets refer to
        NodePtr expr;         // null for trailing text
    };
    std::string source_;
    std::vector<Part> parts_;
    bool single_ = false;
};

// True when `text` holds a YAQL expression (<% ... %>).
bool has_expressions(std::string_view text);

using TemplateCache = SourceCache<Template>;

}  // namespace packhost::expr::yaql

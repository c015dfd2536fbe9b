#pragma once
// Parses one YAQL expression (the text between <% and %>) into a tree.
#include <string>

#include "expr/yaql/syntax.hpp"

namespace packhost::expr::yaql {

// Throws expr::TemplateError (line and column within `source`) for text
// that is not YAQL: "unexpected ')'", "unterminated string", ...
NodePtr parse(const std::string& source);

}  // namespace packhost::expr::yaql

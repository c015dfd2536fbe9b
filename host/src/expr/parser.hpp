#pragma once
#include <string>
#include <vector>

#include "expr/ast.hpp"

namespace packhost::expr {

// Parses a normalised template source into statements. Throws
// TemplateError with jinja2's messages and the position.
std::vector<NodePtr> parse(const std::string& source);

}  // namespace packhost::expr

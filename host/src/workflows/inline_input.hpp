#pragma once
// Orquesta's inline task input: `action: core.echo message="hi {{ ctx().who }}" n=2`.
#include <string>

#include "expr/value.hpp"

namespace packhost::workflows {

struct InlineAction {
    std::string ref;
    Json input = Json::object();  // values typed as YAML reads them; templates kept as text
};

// Throws std::invalid_argument describing what is wrong.
InlineAction parse_inline_action(const std::string& text);

}  // namespace packhost::workflows

#pragma once
// Turning text (a CLI `key=value`, a chat command, a rendered template) into
// the JSON value a parameter declares, the way StackStorm casts: "5" to 5
// for an integer, "yes" to true for a boolean, "a,b" or "[...]" to an array,
// JSON text to an object.
#include <string>

#include "core/json_value.hpp"
#include "core/json_schema.hpp"

namespace packhost::actions {

// How text becomes an array: "[...]" as JSON or else "a, b" (the CLI), or
// always "a, b" (StackStorm's chat aliases, where "[a, b]" is ["[a", "b]"]).
enum class ArrayText { json_or_commas, commas_only };

// `node` may be nullptr (undeclared parameter): the text stays a string.
// Throws core::ValidationError("parameter 'count': cannot convert \"x\" to
// an integer").
Json cast_parameter(const std::string& name, const std::string& text, const core::JsonSchema::Node* node,
                    ArrayText arrays = ArrayText::json_or_commas);

}  // namespace packhost::actions

#pragma once
// Expressions in workflow definitions, as Orquesta has them: a string value
// holding {{ }} or {% %} is a Jinja template, one holding <% %> is YAQL
// (one kind per value); either yields a typed value when it is exactly one
// expression, text otherwise. `$` in YAQL is the workflow's context (ctx()).
#include <stdexcept>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "expr/template.hpp"
#include "expr/yaql/template.hpp"
#include "workflows/definition_file.hpp"
#include "workflows/problems.hpp"

namespace packhost::workflows {

// Templates compiled once for every workflow of every pack.
expr::TemplateCache& template_cache();
expr::yaql::TemplateCache& yaql_cache();

// Compiles every template in `node` (recursively), adding a problem at the
// value's line for an expression that does not compile or that mixes
// YAQL and Jinja.
void check_expressions(const YAML::Node& node, const std::string& where, Problems& problems,
                       expr::TemplateCache& cache);

bool is_yaql(std::string_view text);
// True when `text` holds an expression of either kind.
bool has_expression(std::string_view text);

// An expression that did not evaluate, worded as Orquesta words it:
// "JinjaEvaluationException: Unable to evaluate expression '{{ x }}'. why",
// "YaqlEvaluationException: Unable to resolve key 'x' in expression '<% $.x %>' from context.".
class ExpressionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Renders every template string in `value`, recursively; other values are
// kept as they are. Throws ExpressionError (or core::JsonTextError for a
// value nested too deep).
Json render_tree(const Json& value, const expr::Context& context, expr::TemplateCache& cache);

// JSON text of a value (invalid UTF-8 replaced), and back (throws
// core::JsonTextError for text that is not JSON or nests too deep): how
// workflow state is recorded.
std::string dump_json(const Json& value);
Json parse_json(const std::string& text);

// Python's truth value of a rendered result ("", 0, [], {}, null, false).
bool truthy(const Json& value);

}  // namespace packhost::workflows

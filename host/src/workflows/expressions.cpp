#include "workflows/expressions.hpp"

#include "core/json_text.hpp"

namespace packhost::workflows {

expr::TemplateCache& template_cache() {
    static expr::TemplateCache cache(16384);
    return cache;
}

expr::yaql::TemplateCache& yaql_cache() {
    static expr::yaql::TemplateCache cache(16384);
    return cache;
}

bool is_yaql(std::string_view text) { return expr::yaql::has_expressions(text); }

bool has_expression(std::string_view text) { return expr::is_template(text) || is_yaql(text); }

void check_expressions(const YAML::Node& node, const std::string& where, Problems& problems,
                       expr::TemplateCache& cache) {
    if (node.IsMap()) {
        for (const auto& kv : node) check_expressions(kv.second, where, problems, cache);
        return;
    }
    if (node.IsSequence()) {
        for (const auto& item : node) check_expressions(item, where, problems, cache);
        return;
    }
    if (!node.IsScalar()) return;
    const std::string& text = node.Scalar();
    if (is_yaql(text)) {
        if (expr::is_template(text)) {
            problems.add(line_of(node),
                         where + ": YAQL (<% %>) and Jinja ({{ }}) are mixed in one value: \"" + text + "\"");
            return;
        }
        try {
            yaql_cache().get(text);
        } catch (const expr::TemplateError& e) {
            size_t line = line_of(node) + (e.line() > 0 ? e.line() - 1 : 0);
            problems.add(line, where + ": bad expression \"" + text + "\": " + e.message());
        }
        return;
    }
    if (!expr::is_template(text)) return;
    try {
        cache.get(text);
    } catch (const expr::TemplateError& e) {
        size_t line = line_of(node) + (e.line() > 0 ? e.line() - 1 : 0);
        problems.add(line, where + ": bad expression \"" + text + "\": " + e.message());
    }
}

namespace {

// YAQL's `$`: the workflow's context, what ctx() gives.
expr::Value yaql_root(const expr::Context& context) {
    expr::Value ctx = context.lookup("ctx");
    if (!ctx.is_object() || !ctx.obj()->callable()) return Json::object();
    expr::CallArgs none;
    try {
        return ctx.obj()->call(none);
    } catch (const expr::EvalError&) {
        return Json::object();
    }
}

Json render_yaql(const std::string& text, const expr::Context& context) {
    try {
        return yaql_cache().get(text)->render_value(context, yaql_root(context));
    } catch (const expr::yaql::KeyError& e) {
        throw ExpressionError(std::string("YaqlEvaluationException: ") + e.what());
    } catch (const expr::TemplateError& e) {
        throw ExpressionError("YaqlEvaluationException: Unable to evaluate expression '" + e.source() + "'. " +
                              e.message());
    }
}

Json render_at(const Json& value, const expr::Context& context, expr::TemplateCache& cache, size_t depth) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        bool yaql = is_yaql(text);
        if (!yaql && !expr::is_template(text)) return value;
        Json out;
        if (yaql) {
            out = render_yaql(text, context);
        } else {
            try {
                out = cache.get(text)->render_value(context);
            } catch (const expr::TemplateError& e) {
                throw ExpressionError("JinjaEvaluationException: Unable to evaluate expression '" + text + "'. " +
                                      e.message());
            }
        }
        // A value at the limit placed `depth` levels down would pass it.
        if (out.is_structured() && core::json_depth(out) + depth > core::kMaxJsonDepth) {
            throw core::JsonTextError("the value of \"" + text + "\" nested deeper than " +
                                      std::to_string(core::kMaxJsonDepth) + " levels");
        }
        return out;
    }
    if (value.is_object()) {
        Json out = Json::object();
        for (const auto& [k, v] : value.items()) out[k] = render_at(v, context, cache, depth + 1);
        return out;
    }
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto& v : value) out.push_back(render_at(v, context, cache, depth + 1));
        return out;
    }
    return value;
}

}  // namespace

Json render_tree(const Json& value, const expr::Context& context, expr::TemplateCache& cache) {
    return render_at(value, context, cache, 0);
}

std::string dump_json(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json parse_json(const std::string& text) { return core::parse_json(text, "recorded workflow state"); }

bool truthy(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return v.get<bool>();
    case Json::value_t::number_integer: return v.get<int64_t>() != 0;
    case Json::value_t::number_unsigned: return v.get<uint64_t>() != 0;
    case Json::value_t::number_float: return v.get<double>() != 0.0;
    case Json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !v.empty();
    default: return true;
    }
}

}  // namespace packhost::workflows

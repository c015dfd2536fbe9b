#include "actions/parameter_rendering.hpp"

#include <map>

#include "actions/casting.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "expr/st2_values.hpp"

namespace packhost::actions {
namespace {

class Renderer {
public:
    Renderer(const ParameterSpec& spec, Json& params, const TemplateScope& scope, expr::TemplateCache& cache)
        : spec_(spec), params_(params), cache_(cache) {
        vars_ = Json::object();
        for (auto it = params_.begin(); it != params_.end(); ++it) {
            if (contains_template(it.value())) {
                state_[it.key()] = State::pending;
            } else {
                vars_[it.key()] = Json(it.value());
            }
        }
        context_ = expr::Context(vars_);
        // The scope outlives the rendering: borrowed, not copied (a rule's
        // payload can be large). A parameter of the same name comes first.
        auto borrow = [&](const char* name, const Json& value) {
            if (!params_.contains(name)) context_.set(name, expr::Value::borrow(value));
        };
        borrow("action_context", scope.action_context);
        borrow("config_context", scope.config_context);
        if (scope.trigger) borrow("trigger", *scope.trigger);
        expr::add_global_functions(context_);
        if (scope.st2kv) context_.set("st2kv", expr::Value::object(scope.st2kv));
        context_.set_resolver([this](const std::string& name) -> std::optional<expr::Value> {
            auto it = state_.find(name);
            if (it == state_.end()) return std::nullopt;
            render_parameter(name, /*from=*/current_);
            return expr::Value(Json(params_[name]));
        });
    }

    void run() {
        std::vector<std::string> names;
        for (const auto& [name, st] : state_) names.push_back(name);
        for (const auto& name : names) render_parameter(name, "");
    }

private:
    enum class State { pending, rendering, done };

    void render_parameter(const std::string& name, const std::string& from) {
        State& st = state_[name];
        if (st == State::done) return;
        if (st == State::rendering) {
            throw core::ValidationError("parameter '" + from + "': refers to parameter '" + name +
                                        "', which refers back to it (cyclic templates)");
        }
        st = State::rendering;
        std::string saved = current_;
        current_ = name;
        Json rendered = render_value(name, params_[name]);
        core::check_json_depth(rendered, "parameter '" + name + "'");
        // Text is cast to the declared type; a typed result stands, except
        // that a parameter declared as a string gets the value's text.
        const auto* node = spec_.find(name);
        if (rendered.is_string()) {
            rendered = cast_parameter(name, rendered.get<std::string>(), node);
        } else if (node && node->types == core::JsonSchema::kString && !rendered.is_null()) {
            rendered = expr::to_str(Json(rendered));
        }
        params_[name] = std::move(rendered);
        current_ = saved;
        state_[name] = State::done;
    }

    Json render_value(const std::string& name, const Json& value) {
        if (value.is_string()) {
            const auto& text = value.get_ref<const std::string&>();
            if (!expr::is_template(text)) return value;
            try {
                auto t = cache_.get(text);
                Json out = Json(t->render_value(context_));
                if (out.is_string() && out.get_ref<const std::string&>() == expr::kNoneMagic) return nullptr;
                return out;
            } catch (const expr::TemplateError& e) {
                throw core::ValidationError("parameter '" + name + "': template " + e.what());
            }
        }
        if (value.is_array()) {
            Json out = Json::array();
            for (const auto& v : value) out.push_back(render_value(name, v));
            return out;
        }
        if (value.is_object()) {
            Json out = Json::object();
            for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = render_value(name, it.value());
            return out;
        }
        return value;
    }

    const ParameterSpec& spec_;
    Json& params_;
    expr::TemplateCache& cache_;
    Json vars_ = Json::object();
    expr::Context context_;
    std::map<std::string, State> state_;
    std::string current_;
};

}  // namespace

Json render_config(const Json& config, const TemplateScope& scope, expr::TemplateCache& cache) {
    Json vars = Json::object();
    vars["action_context"] = Json(scope.action_context);
    expr::Context ctx(vars);
    if (scope.st2kv) ctx.set("st2kv", expr::Value::object(scope.st2kv));
    Json out = config;
    for (auto it = out.begin(); it != out.end(); ++it) {
        if (!it.value().is_string() || !expr::is_template(it.value().get<std::string>())) continue;
        try {
            it.value() = Json(cache.get(it.value().get<std::string>())->render_value(ctx));
        } catch (const expr::TemplateError& e) {
            throw core::ValidationError("config key '" + it.key() + "': template " + e.what());
        }
    }
    return out;
}

Json render_parameters(const ParameterSpec& spec, Json params, const TemplateScope& scope, expr::TemplateCache& cache) {
    if (!contains_template(params)) return params;
    Renderer r(spec, params, scope, cache);
    r.run();
    return params;
}

}  // namespace packhost::actions

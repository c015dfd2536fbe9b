#include "workflows/inspect.hpp"

#include <set>
#include <vector>

#include "core/yaml_file.hpp"
#include "expr/builtins.hpp"
#include "expr/yaql/interpreter.hpp"
#include "workflows/action_chain/spec.hpp"
#include "workflows/expressions.hpp"
#include "workflows/orquesta/spec.hpp"

namespace packhost::workflows {
namespace {

// Parameters given to an action, checked against what it declares.
void check_parameters(const std::string& where, size_t line, const std::string& ref, const Json& given,
                      const actions::Registry& registry, Problems& problems) {
    auto action = registry.find(ref);
    if (!action) {
        problems.add(line, where + ": action '" + ref + "' is not registered");
        return;
    }
    const auto& schema = action->parameters.schema();
    bool open =
        schema.is_object() && schema.contains("additionalProperties") && schema["additionalProperties"] != false;
    std::set<std::string> declared;
    for (const auto& row : action->parameters.rows()) {
        declared.insert(row.name);
        if (row.required && !row.default_value && !given.contains(row.name)) {
            problems.add(line,
                         where + ": action '" + ref + "' requires parameter '" + row.name + "', which is not given");
        }
    }
    if (open || !given.is_object()) return;
    for (const auto& [name, value] : given.items()) {
        if (!declared.count(name)) problems.add(line, where + ": action '" + ref + "' has no parameter '" + name + "'");
    }
}

// Variable names a text reads through ctx(): ctx('x'), ctx("x"), ctx(x), ctx().x, ctx()['x'].
void ctx_reads(const std::string& text, std::set<std::string>& out) {
    auto ident = [&](size_t i) {
        size_t j = i;
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
        return text.substr(i, j - i);
    };
    // A quoted name is whole up to its quote: ctx('a.b') reads the variable "a.b".
    auto quoted = [&](size_t i) {
        size_t end = text.find(text[i], i + 1);
        return end == std::string::npos ? std::string() : text.substr(i + 1, end - i - 1);
    };
    for (size_t at = text.find("ctx("); at != std::string::npos; at = text.find("ctx(", at + 4)) {
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_')) continue;
        size_t i = at + 4;
        while (i < text.size() && text[i] == ' ') ++i;
        if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
            out.insert(quoted(i));
        } else if (i < text.size() && text[i] == ')') {
            ++i;
            if (i < text.size() && text[i] == '.') out.insert(ident(i + 1));
            if (i + 1 < text.size() && text[i] == '[' && (text[i + 1] == '\'' || text[i + 1] == '"'))
                out.insert(quoted(i + 1));
        } else {
            out.insert(ident(i));
        }
    }
}

// A function call in an expression: its name and first argument as written.
struct CallSite {
    std::string name;
    std::string first_arg;  // a bare or quoted name, else empty
    bool no_args = false;
};

// The calls a Jinja text makes: `name(` not after `.`, `|` or `is` (methods,
// filters and tests have their own names), outside quotes.
void jinja_calls(const std::string& text, std::vector<CallSite>& out) {
    for (size_t open = text.find_first_of("{"); open != std::string::npos; open = text.find('{', open + 1)) {
        if (open + 1 >= text.size() || (text[open + 1] != '{' && text[open + 1] != '%')) continue;
        size_t close = text.find(text[open + 1] == '{' ? "}}" : "%}", open + 2);
        if (close == std::string::npos) break;
        char quote = 0;
        std::string prev_word;
        char prev = 0;
        for (size_t i = open + 2; i < close; ++i) {
            char c = text[i];
            if (quote) {
                if (c == '\\')
                    ++i;
                else if (c == quote)
                    quote = 0;
                prev = c;
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                continue;
            }
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                size_t b = i;
                while (i < close && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
                std::string word = text.substr(b, i - b);
                if (i < close && text[i] == '(' && prev != '.' && prev != '|' && prev_word != "is") {
                    CallSite call{word, "", false};
                    size_t a = i + 1;
                    while (a < close && text[a] == ' ') ++a;
                    call.no_args = a < close && text[a] == ')';
                    if (a < close && (text[a] == '\'' || text[a] == '"')) {
                        size_t end = text.find(text[a], a + 1);
                        if (end != std::string::npos) call.first_arg = text.substr(a + 1, end - a - 1);
                    }
                    out.push_back(std::move(call));
                }
                prev_word = word;
                prev = 'a';
                --i;
                continue;
            }
            if (c != ' ') {
                prev = c;
                prev_word.clear();
            }
        }
        open = close;
    }
}

void yaql_calls(const expr::yaql::Node& n, std::vector<CallSite>& out) {
    if (n.kind == expr::yaql::Node::Kind::call && !n.method) {
        CallSite call{n.text, "", n.kids.empty()};
        if (!n.kids.empty() && n.kids[0]) {
            const auto& a = *n.kids[0];
            if (a.kind == expr::yaql::Node::Kind::keyword) call.first_arg = a.text;
            if (a.kind == expr::yaql::Node::Kind::constant && a.value.is_string())
                call.first_arg = a.value.get<std::string>();
        }
        out.push_back(std::move(call));
    }
    for (const auto& k : n.kids) {
        if (k) yaql_calls(*k, out);
    }
}

void calls_of(const Json& v, std::vector<CallSite>& out) {
    if (v.is_string()) {
        const auto& text = v.get_ref<const std::string&>();
        if (is_yaql(text)) {
            try {
                for (const auto* tree : yaql_cache().get(text)->trees()) yaql_calls(*tree, out);
            } catch (const expr::TemplateError&) {
                // reported by the parser
            }
        } else if (expr::is_template(text)) {
            jinja_calls(text, out);
        }
    }
    if (v.is_structured()) {
        for (const auto& item : v) calls_of(item, out);
    }
}

// Functions a workflow expression can call: the workflow's own, Jinja's
// globals, StackStorm's, and (in YAQL) YAQL's library.
bool known_function(const std::string& name, bool yaql) {
    static const std::set<std::string> kWorkflow = {"ctx",       "result",      "item", "succeeded", "failed",
                                                    "completed", "task_status", "task", "json",      "zip",
                                                    "range",     "dict",        "st2kv"};
    if (kWorkflow.count(name) || expr::is_st2_function(name)) return true;
    return yaql && expr::yaql::find_function(name, true) != nullptr;
}

void strings_of(const Json& v, std::set<std::string>& reads) {
    if (v.is_string()) ctx_reads(v.get_ref<const std::string&>(), reads);
    if (v.is_structured()) {
        for (const auto& item : v) strings_of(item, reads);
    }
}

void inspect_orquesta(const std::filesystem::path& file, const actions::Registry& registry, Inspection& out) {
    auto wf = orquesta::parse(file, out.problems, template_cache());
    out.tasks = wf->tasks.size();
    std::set<std::string> defined = {"st2"};
    for (const auto& [name, def] : wf->input) defined.insert(name);
    for (const auto& [name, value] : wf->vars) defined.insert(name);
    for (const auto& t : wf->tasks) {
        for (const auto& tr : t.next) {
            for (const auto& [name, value] : tr.publish) defined.insert(name);
        }
    }
    auto undefined = [&](const std::string& where, size_t line, const std::set<std::string>& reads) {
        for (const auto& name : reads) {
            if (!name.empty() && !defined.count(name)) {
                out.problems.add(line, where + ": ctx() reads '" + name +
                                           "', which is no input, var or published variable of the workflow");
            }
        }
    };
    std::set<std::string> task_names;
    for (const auto& t : wf->tasks) task_names.insert(t.name);
    // Unknown functions, and task() asked for a task that is not there or
    // (with no name) outside a task.
    auto check_calls = [&](const std::string& where, size_t line, const Json& value, bool in_task) {
        std::vector<CallSite> calls;
        calls_of(value, calls);
        bool yaql = value.is_string() && is_yaql(value.get_ref<const std::string&>());
        for (const auto& c : calls) {
            if (!known_function(c.name, yaql)) {
                out.problems.add(line, where + ": unknown function '" + c.name + "'");
            } else if (c.name == "task" && c.no_args && !in_task) {
                out.problems.add(line, where + ": task() without a task name is only known inside a task");
            } else if (c.name == "task" && !c.first_arg.empty() && !task_names.count(c.first_arg)) {
                out.problems.add(line, where + ": task('" + c.first_arg + "') names no task of the workflow");
            }
        }
    };
    auto check_tree = [&](const std::string& where, size_t line, const Json& value, bool in_task) {
        if (value.is_string()) return check_calls(where, line, value, in_task);
        if (value.is_structured()) {
            for (const auto& item : value) check_calls(where, line, item, in_task);
        }
    };
    for (const auto& [name, value] : wf->input) {
        if (value) check_tree("input '" + name + "'", 0, *value, false);
    }
    for (const auto& [name, value] : wf->vars) check_tree("vars '" + name + "'", 0, value, false);
    for (const auto& t : wf->tasks) {
        std::string where = "task '" + t.name + "'";
        check_tree(where, t.line, t.input, true);
        if (t.items) check_calls(where, t.line, Json(*t.items), true);
        for (const auto& tr : t.next) {
            if (tr.when) check_calls(where, tr.line, Json(*tr.when), true);
            for (const auto& [name, value] : tr.publish) check_tree(where, tr.line, value, true);
        }
        if (!t.action.empty())
            check_parameters(where, t.action_line ? t.action_line : t.line, t.action, t.input, registry, out.problems);
        std::set<std::string> reads;
        strings_of(t.input, reads);
        if (t.items) ctx_reads(*t.items, reads);
        undefined(where, t.line, reads);
        for (const auto& tr : t.next) {
            std::set<std::string> treads;
            if (tr.when) ctx_reads(*tr.when, treads);
            for (const auto& [name, value] : tr.publish) strings_of(value, treads);
            undefined(where, tr.line, treads);
        }
    }
    // An output may read the outputs before it.
    for (const auto& [name, value] : wf->output) {
        std::set<std::string> oreads;
        strings_of(value, oreads);
        undefined("output '" + name + "'", 0, oreads);
        check_tree("output '" + name + "'", 0, value, false);
        defined.insert(name);
    }
}

void inspect_chain(const std::filesystem::path& file, const actions::Registry& registry, Inspection& out) {
    auto chain = action_chain::parse(file, out.problems, template_cache());
    out.tasks = chain->tasks.size();
    for (const auto& t : chain->tasks) {
        if (!t.ref.empty())
            check_parameters("task '" + t.name + "'", t.line, t.ref, t.parameters, registry, out.problems);
    }
}

}  // namespace

Inspection inspect(const std::filesystem::path& file, const actions::Registry& registry) {
    Inspection out{"orquesta", 0, Problems(file.string())};
    bool chain = false;
    try {
        auto doc = core::load_yaml_file(file);
        chain = doc.IsMap() && doc["chain"];
    } catch (const std::exception&) {
        // The parser reports it, with its line.
    }
    if (chain) {
        out.runner = "action-chain";
        inspect_chain(file, registry, out);
    } else {
        inspect_orquesta(file, registry, out);
    }
    return out;
}

}  // namespace packhost::workflows

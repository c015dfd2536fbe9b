#include "workflows/inspect.hpp"

#include <set>

#include "core/yaml_file.hpp"
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
    for (size_t at = text.find("ctx("); at != std::string::npos; at = text.find("ctx(", at + 4)) {
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_')) continue;
        size_t i = at + 4;
        while (i < text.size() && text[i] == ' ') ++i;
        if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
            out.insert(ident(i + 1));
        } else if (i < text.size() && text[i] == ')') {
            ++i;
            if (i < text.size() && text[i] == '.') out.insert(ident(i + 1));
            if (i + 1 < text.size() && text[i] == '[' && (text[i + 1] == '\'' || text[i + 1] == '"'))
                out.insert(ident(i + 2));
        } else {
            out.insert(ident(i));
        }
    }
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
    for (const auto& t : wf->tasks) {
        std::string where = "task '" + t.name + "'";
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
    std::set<std::string> oreads;
    for (const auto& [name, value] : wf->output) strings_of(value, oreads);
    undefined("output", 0, oreads);
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

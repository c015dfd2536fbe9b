#include "events/rules/rule.hpp"

#include <vector>

#include "core/errors.hpp"

namespace packhost::events::rules {

Rule Rule::parse(const Json& doc, const std::string& where) {
    if (!doc.is_object())
        throw core::ValidationError(where + ": a rule must be a mapping (name, trigger, action, ...)");
    std::vector<std::string> problems;
    const std::string at = where + ": ";
    Rule r;
    r.name = text_field(doc, "name", at, true, problems);
    if (auto pack = text_field(doc, "pack", at, false, problems); !pack.empty()) r.pack = pack;
    r.description = text_field(doc, "description", at, false, problems);
    if (auto e = doc.find("enabled"); e != doc.end() && !e->is_null()) {
        if (e->is_boolean()) {
            r.enabled = e->get<bool>();
        } else {
            problems.push_back(at + "enabled: must be true or false");
        }
    }
    // trigger: {type, parameters} and action: {ref, parameters}.
    auto part = [&](const char* name, const char* ref_key, const char* shape, std::string& ref, Json& parameters) {
        auto it = doc.find(name);
        if (it == doc.end() || !it->is_object()) {
            problems.push_back(at + name + ": required, " + shape);
            return;
        }
        ref = text_field(*it, ref_key, at + name + ".", true, problems);
        if (auto p = it->find("parameters"); p != it->end() && !p->is_null()) {
            if (p->is_object()) {
                parameters = *p;
            } else {
                problems.push_back(at + name + ".parameters: must be a mapping");
            }
        }
    };
    part("trigger", "type", "{type: TRIGGER_TYPE_REF, parameters: {...}}", r.trigger_type, r.trigger_parameters);
    try {
        r.criteria_doc = doc.value("criteria", Json::object());
        r.criteria = Criteria::parse(r.criteria_doc, where + ": criteria");
    } catch (const core::ValidationError& e) {
        problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
    part("action", "ref", "{ref: ACTION_REF, parameters: {...}}", r.action_ref, r.action_parameters);
    if (!problems.empty()) throw core::ValidationError(problems);
    return r;
}

Json Rule::to_json() const {
    Json out = Json::object();
    out["ref"] = ref();
    out["name"] = name;
    out["pack"] = pack;
    out["description"] = description;
    out["enabled"] = enabled;
    out["trigger"] = {{"type", trigger_type}, {"parameters", trigger_parameters}};
    out["criteria"] = criteria_doc.is_null() ? Json::object() : criteria_doc;
    out["action"] = {{"ref", action_ref}, {"parameters", action_parameters}};
    return out;
}

}  // namespace packhost::events::rules

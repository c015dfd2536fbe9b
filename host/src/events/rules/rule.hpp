#pragma once
// A rule, StackStorm's format (rules/*.yaml in a pack, or a file given to
// `packhost rule create|test`): when a trigger instance of `trigger.type`
// satisfies `criteria`, run `action.ref` with `action.parameters` rendered
// from the instance's payload (`trigger`) and the datastore (`st2kv`).
#include <filesystem>
#include <string>

#include "core/json_value.hpp"
#include "events/document.hpp"
#include "events/rules/criteria.hpp"

namespace packhost::events::rules {

struct Rule {
    Json criteria_doc;  // the criteria as written
    std::string name;
    std::string pack = "default";
    std::string description;
    bool enabled = true;
    std::string trigger_type;  // a trigger type's ref
    Json trigger_parameters = Json::object();
    Criteria criteria;
    std::string action_ref;
    Json action_parameters = Json::object();
    std::string source;  // the pack's file, or "store" (not part of the rule's JSON)

    std::string ref() const { return pack + "." + name; }
    // StackStorm's API shape: ref, name, pack, description, enabled,
    // trigger {type, parameters}, criteria (as written), action {ref, parameters}.
    Json to_json() const;

    // From the rule's YAML/JSON document. Throws core::ValidationError with
    // every problem, each naming `where` (the file) and the field.
    static Rule parse(const Json& doc, const std::string& where);
};

using events::read_document;

}  // namespace packhost::events::rules

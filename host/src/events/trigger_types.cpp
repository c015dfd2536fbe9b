#include "events/trigger_types.hpp"

#include <utility>

#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "events/document.hpp"
#include "packs/pack_files.hpp"

namespace packhost::events {
namespace {

// StackStorm's system trigger types (st2common/constants/triggers.py), with
// its schemas. Payload schemas leave out types StackStorm does not check.
constexpr const char* kSystemTypes = R"json([
  {"name": "st2.webhook", "description": "Trigger type for registering webhooks that can consume arbitrary payload.",
   "parameters_schema": {"type": "object", "properties": {"url": {"type": "string", "required": true}},
                         "additionalProperties": false},
   "payload_schema": {"type": "object", "properties": {"url": {"type": "string"}, "headers": {"type": "object"}, "body": {}}}},
  {"name": "st2.IntervalTimer", "description": "Triggers on specified intervals. e.g. every 30s, 1week etc.",
   "parameters_schema": {"type": "object", "properties": {
       "timezone": {"type": "string"},
       "unit": {"enum": ["weeks", "days", "hours", "minutes", "seconds"], "required": true},
       "delta": {"type": "integer", "required": true}}, "additionalProperties": false},
   "payload_schema": {"type": "object", "properties": {"executed_at": {"type": "string"}, "schedule": {"type": ["object", "null"]}}}},
  {"name": "st2.DateTimer", "description": "Triggers exactly once when the current time matches the specified time. e.g. timezone:UTC date:2014-12-31 23:59:59.",
   "parameters_schema": {"type": "object", "properties": {
       "timezone": {"type": "string"},
       "date": {"type": "string", "format": "date-time", "required": true}}, "additionalProperties": false},
   "payload_schema": {"type": "object", "properties": {"executed_at": {"type": "string"}, "schedule": {"type": ["object", "null"]}}}},
  {"name": "st2.CronTimer", "description": "Triggers whenever current time matches the specified time constaints like a UNIX cron scheduler.",
   "parameters_schema": {"type": "object", "properties": {
       "timezone": {"type": "string"},
       "year": {"type": ["string", "integer"]},
       "month": {"type": ["string", "integer"]},
       "day": {"type": ["string", "integer"]},
       "week": {"type": ["string", "integer"]},
       "day_of_week": {"type": ["string", "integer"]},
       "hour": {"type": ["string", "integer"]},
       "minute": {"type": ["string", "integer"]},
       "second": {"type": ["string", "integer"]}}, "additionalProperties": false},
   "payload_schema": {"type": "object", "properties": {"executed_at": {"type": "string"}, "schedule": {"type": ["object", "null"]}}}},
  {"name": "st2.generic.actiontrigger", "description": "Trigger encapsulating the completion of an action execution.",
   "payload_schema": {"type": "object", "properties": {
       "execution_id": {}, "status": {}, "start_timestamp": {}, "action_name": {}, "action_ref": {},
       "runner_ref": {}, "parameters": {}, "result": {}}}},
  {"name": "st2.generic.notifytrigger", "description": "Notification trigger.",
   "payload_schema": {"type": "object", "properties": {
       "execution_id": {}, "status": {}, "start_timestamp": {}, "end_timestamp": {}, "action_ref": {},
       "runner_ref": {}, "channel": {}, "route": {}, "message": {}, "data": {}}}},
  {"name": "st2.key_value_pair.create", "description": "Trigger encapsulating datastore item creation.",
   "payload_schema": {"type": "object", "properties": {"object": {"type": "object"}}}},
  {"name": "st2.key_value_pair.update", "description": "Trigger encapsulating datastore set action.",
   "payload_schema": {"type": "object", "properties": {"object": {"type": "object"}}}},
  {"name": "st2.key_value_pair.value_change", "description": "Trigger encapsulating a change of datastore item value.",
   "payload_schema": {"type": "object", "properties": {"old_object": {"type": "object"}, "new_object": {"type": "object"}}}},
  {"name": "st2.key_value_pair.delete", "description": "Trigger encapsulating datastore item deletion.",
   "payload_schema": {"type": "object", "properties": {"object": {"type": "object"}}}},
  {"name": "st2.sensor.process_spawn", "description": "Trigger indicating sensor process is started up.",
   "payload_schema": {"type": "object", "properties": {"object": {"type": "object"}}}},
  {"name": "st2.sensor.process_exit", "description": "Trigger indicating sensor process is stopped.",
   "payload_schema": {"type": "object", "properties": {"object": {"type": "object"}}}}
])json";

Json schema_field(const Json& doc, const char* key, const std::string& where, std::vector<std::string>& problems) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return nullptr;
    if (!it->is_object()) {
        problems.push_back(where + ": " + key + ": must be a JSON Schema (a mapping)");
        return nullptr;
    }
    return *it;
}

// One trigger type document (triggers/*.yaml or an entry of a sensor's
// trigger_types). Throws core::ValidationError.
TriggerType parse_trigger_type(const Json& doc, const std::string& pack_ref, const std::string& where) {
    if (!doc.is_object()) throw core::ValidationError(where + ": a trigger type must be a mapping (name, ...)");
    std::vector<std::string> problems;
    TriggerType t;
    t.pack = pack_ref;
    t.source = where;
    auto name = doc.find("name");
    if (name == doc.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
        problems.push_back(where + ": name: required, a non-empty string");
    } else {
        t.name = name->get<std::string>();
    }
    if (auto pack = doc.find("pack"); pack != doc.end() && !pack->is_null()) {
        if (!pack->is_string() || pack->get_ref<const std::string&>() != pack_ref)
            problems.push_back(where + ": pack: must be '" + pack_ref + "', the pack it is in");
    }
    if (auto d = doc.find("description"); d != doc.end() && d->is_string()) t.description = d->get<std::string>();
    t.payload_schema = schema_field(doc, "payload_schema", where, problems);
    t.parameters_schema = schema_field(doc, "parameters_schema", where, problems);
    if (!problems.empty()) throw core::ValidationError(problems);
    return t;
}

}  // namespace

Json TriggerType::to_json() const {
    Json out = Json::object();
    out["ref"] = ref();
    out["pack"] = pack;
    out["name"] = name;
    out["description"] = description;
    out["payload_schema"] = payload_schema.is_null() ? Json::object() : payload_schema;
    out["parameters_schema"] = parameters_schema.is_null() ? Json::object() : parameters_schema;
    out["source"] = source;
    return out;
}

TriggerTypes::TriggerTypes() {
    for (const auto& doc : Json::parse(kSystemTypes)) {
        TriggerType t = parse_trigger_type(doc, "core", "system");
        add(std::move(t));
    }
}

void TriggerTypes::add(TriggerType type) {
    std::string ref = type.ref();
    if (types_.count(ref)) {
        throw core::ValidationError(type.source + ": trigger type '" + ref + "' is already defined by " +
                                    types_.at(ref).source);
    }
    if (!type.payload_schema.is_null()) {
        try {
            type.payload = core::JsonSchema::compile(type.payload_schema, type.source + ": payload_schema");
        } catch (const std::invalid_argument& e) {
            throw core::ValidationError(e.what());
        }
    }
    if (!type.parameters_schema.is_null()) {
        try {
            (void)core::JsonSchema::compile(type.parameters_schema, type.source + ": parameters_schema");
        } catch (const std::invalid_argument& e) {
            throw core::ValidationError(e.what());
        }
    }
    types_.emplace(std::move(ref), std::move(type));
}

const TriggerType* TriggerTypes::find(std::string_view ref) const {
    auto it = types_.find(ref);
    return it == types_.end() ? nullptr : &it->second;
}

std::vector<const TriggerType*> TriggerTypes::list() const {
    std::vector<const TriggerType*> out;
    out.reserve(types_.size());
    for (const auto& [ref, t] : types_) out.push_back(&t);
    return out;
}

std::vector<std::string> TriggerTypes::check_payload(const TriggerType& type, Json& payload) {
    std::vector<std::string> problems;
    if (!payload.is_object()) {
        problems.push_back("the payload of a '" + type.ref() + "' trigger instance must be an object");
        return problems;
    }
    if (!type.payload.empty()) type.payload.validate(payload, "payload field", problems);
    return problems;
}

Json normalized_trigger_parameters(const std::string& type, const Json& parameters) {
    if (type != system_triggers::kWebhook || !parameters.is_object()) return parameters;
    auto url = parameters.find("url");
    if (url == parameters.end() || !url->is_string()) return parameters;
    const auto& text = url->get_ref<const std::string&>();
    size_t b = text.find_first_not_of('/');
    size_t e = text.find_last_not_of('/');
    Json out = parameters;
    out["url"] = b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
    return out;
}

TriggerType native_trigger_type(const std::string& pack, const std::string& name, const std::string& description,
                                const std::string& payload_schema, const std::string& parameters_schema,
                                const std::string& source) {
    TriggerType t;
    t.pack = pack;
    t.name = name;
    t.description = description;
    t.source = source;
    auto parse = [&](const std::string& text, const char* what) -> Json {
        if (text.empty()) return nullptr;
        return core::parse_json(text, source + ": trigger type '" + name + "' " + what);
    };
    t.payload_schema = parse(payload_schema, "payload_schema");
    t.parameters_schema = parse(parameters_schema, "parameters_schema");
    return t;
}

std::vector<TriggerType> read_pack_trigger_types(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                                 std::vector<std::string>& problems) {
    std::vector<TriggerType> out;
    auto keep = [&](const Json& doc, const std::string& where) {
        try {
            out.push_back(parse_trigger_type(doc, pack_ref, where));
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    };
    for (const auto& file : packs::yaml_files_in(pack_dir / "triggers")) {
        try {
            keep(read_document(file), file.string());
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    for (const auto& file : packs::yaml_files_in(pack_dir / "sensors")) {
        try {
            Json doc = read_document(file);
            if (!doc.is_object()) continue;
            auto types = doc.find("trigger_types");
            if (types == doc.end() || types->is_null()) continue;
            if (!types->is_array()) {
                problems.push_back(file.string() + ": trigger_types: must be a list of trigger types");
                continue;
            }
            for (size_t i = 0; i < types->size(); ++i)
                keep((*types)[i], file.string() + ": trigger_types[" + std::to_string(i) + "]");
        } catch (const core::ValidationError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    return out;
}

}  // namespace packhost::events

#pragma once
// The trigger types a host knows: StackStorm's system ones (webhooks,
// timers, finished executions, datastore changes, sensor processes) and the
// packs' own (a native library's descriptors, triggers/*.yaml, the
// trigger_types of sensors/*.yaml). A payload is checked against its type's
// payload_schema before anything acts on it.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_schema.hpp"
#include "core/json_value.hpp"

namespace packhost::events {

struct TriggerType {
    std::string pack;
    std::string name;
    std::string description;
    Json payload_schema = nullptr;     // as declared; null: any object
    Json parameters_schema = nullptr;  // what a rule may set in trigger.parameters
    std::string source;                // "system", the pack's library, or the YAML file
    core::JsonSchema payload;          // compiled payload_schema

    std::string ref() const { return pack + "." + name; }
    // StackStorm's API shape: ref, pack, name, description, payload_schema,
    // parameters_schema (plus where it came from).
    Json to_json() const;
};

// The system trigger types' refs packhost emits itself.
namespace system_triggers {
inline constexpr const char* kWebhook = "core.st2.webhook";
inline constexpr const char* kIntervalTimer = "core.st2.IntervalTimer";
inline constexpr const char* kDateTimer = "core.st2.DateTimer";
inline constexpr const char* kCronTimer = "core.st2.CronTimer";
inline constexpr const char* kActionTrigger = "core.st2.generic.actiontrigger";
inline constexpr const char* kNotifyTrigger = "core.st2.generic.notifytrigger";
inline constexpr const char* kKeyCreate = "core.st2.key_value_pair.create";
inline constexpr const char* kKeyUpdate = "core.st2.key_value_pair.update";
inline constexpr const char* kKeyValueChange = "core.st2.key_value_pair.value_change";
inline constexpr const char* kKeyDelete = "core.st2.key_value_pair.delete";
inline constexpr const char* kSensorSpawn = "core.st2.sensor.process_spawn";
inline constexpr const char* kSensorExit = "core.st2.sensor.process_exit";
}  // namespace system_triggers

class TriggerTypes {
public:
    // With StackStorm's system trigger types.
    TriggerTypes();

    // Throws core::ValidationError when the ref is taken or a schema cannot
    // be compiled (naming `type.source`).
    void add(TriggerType type);
    const TriggerType* find(std::string_view ref) const;
    bool contains(std::string_view ref) const { return find(ref) != nullptr; }
    // Sorted by ref.
    std::vector<const TriggerType*> list() const;

    // Problems with `payload` against its type's payload schema (defaults
    // filled in); empty when it fits.
    static std::vector<std::string> check_payload(const TriggerType& type, Json& payload);

private:
    std::map<std::string, TriggerType, std::less<>> types_;
};

// A rule's or an instance's trigger parameters in the one form they are
// compared in: a webhook's url without leading or trailing '/', as
// StackStorm strips it.
Json normalized_trigger_parameters(const std::string& type, const Json& parameters);

// From JSON text a native library declared: the schemas parsed, `source`
// naming the library. Throws core::ValidationError.
TriggerType native_trigger_type(const std::string& pack, const std::string& name, const std::string& description,
                                const std::string& payload_schema, const std::string& parameters_schema,
                                const std::string& source);

// A pack's trigger types from YAML: triggers/*.yaml (StackStorm's
// TriggerType format: name, pack, description, payload_schema,
// parameters_schema) and the `trigger_types` list of each sensors/*.yaml.
// What cannot be read is left out with the reason in `problems`.
std::vector<TriggerType> read_pack_trigger_types(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                                 std::vector<std::string>& problems);

}  // namespace packhost::events

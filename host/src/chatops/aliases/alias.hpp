#pragma once
// An action alias, StackStorm's format (aliases/*.yaml in a pack): chat
// phrases (`formats`) that run `action_ref`, what the bot says when the
// execution starts (`ack`) and when it ends (`result`), and parameters a
// message cannot set (`immutable_parameters`).
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::chatops::aliases {

struct AliasFormat {
    // What `!help` shows; a plain string format is its own display.
    std::optional<std::string> display;
    // What is matched (regular expressions with {{param}} placeholders).
    std::vector<std::string> representations;
    // Every occurrence in a message runs the action once.
    bool match_multiple = false;
};

struct Alias {
    std::string name;
    std::string pack;
    std::string description;
    bool enabled = true;
    std::string action_ref;
    std::vector<AliasFormat> formats;
    Json formats_doc = Json::array();  // as written, for the API
    // ack: {enabled, format, append_url, extra}; result: {enabled, format, extra}.
    Json ack = Json::object();
    Json result = Json::object();
    Json extra = Json::object();
    Json immutable_parameters = Json::object();
    std::string source;  // the pack's file

    std::string ref() const { return pack + "." + name; }
    bool ack_enabled() const { return ack.value("enabled", true); }
    bool result_enabled() const { return result.value("enabled", true); }
    // StackStorm's API shape (ref, name, pack, description, enabled,
    // action_ref, formats, ack, result, extra, immutable_parameters).
    Json to_json() const;

    // From the alias's YAML/JSON document. Throws core::ValidationError
    // listing every problem, each naming `where` (the file) and the field.
    static Alias parse(const Json& doc, const std::string& where);
};

}  // namespace packhost::chatops::aliases

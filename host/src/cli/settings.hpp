#pragma once
// The site configuration: every setting that has a flag or an environment
// variable also has a key in $PACKHOST_HOME/config.yaml (or --config FILE),
// and the value that counts is the flag's, else the variable's, else the
// file's, else the default. One table (settings.cpp) says it all: the key,
// the flag, the variable, the type, the default, whether it is a secret;
// the README's table is the same. A file with an unknown key, a wrong type
// or broken YAML is refused with file:line and the key.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::cli {

enum class SettingType { text, secret_text, whole_number, boolean, duration, choice, secret_map, list_map };

struct SettingSpec {
    const char* key;   // "api.bind"; a secret_map's entries are "webhooks.NAME.secret", a list_map's "KEY.NAME"
    const char* flag;  // "--bind", or "" when there is none
    const char* env;   // "PACKHOST_BIND", or ""
    SettingType type;
    const char* fallback;  // the default as text ("" : none)
    const char* help;
    const char* choices = "";  // for `choice`: "text|json"
};

// Every setting, in the README's order.
const std::vector<SettingSpec>& setting_specs();

struct SettingValue {
    std::string text;    // as given ("30d", "127.0.0.1:9101", "true")
    std::string source;  // "flag --bind", "env PACKHOST_BIND", "config.yaml:4", "default"
};

class Settings {
public:
    // Reads `file` when it exists (a missing file given with --config is an
    // error; the default one may be missing). Throws core::ValidationError
    // naming file:line and the key for every problem found.
    static Settings load(const std::filesystem::path& file, bool must_exist);

    // Notes a flag's value given on the command line (empty: not given).
    void set_flag(const std::string& key, const std::string& value);

    // The effective value, or nullopt when nothing sets it and it has no
    // default. Throws core::ValidationError when a flag or variable's value
    // has the wrong type (the file's were checked when read).
    std::optional<SettingValue> get(const std::string& key) const;
    std::string text(const std::string& key) const;  // "" when unset
    int64_t number(const std::string& key) const;    // 0 when unset
    bool flag(const std::string& key) const;
    // A secret_map's entries: name -> secret.
    std::map<std::string, std::string> secrets(const std::string& prefix) const;
    // A list_map's entries: name -> its list (a YAML list, or text with commas).
    std::map<std::string, std::vector<std::string>> lists(const std::string& prefix) const;

    const std::filesystem::path& file() const { return file_; }
    // Every setting's effective value and source; secrets masked.
    Json show() const;

private:
    std::filesystem::path file_;
    std::map<std::string, SettingValue> from_file_;
    std::map<std::string, std::string> from_flags_;
};

}  // namespace packhost::cli

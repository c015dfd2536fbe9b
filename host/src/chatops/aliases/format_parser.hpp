#pragma once
// One alias format, compiled once, matched against chat commands exactly as
// StackStorm's ActionAliasFormatParser does it:
//   1. trailing `key=value` pairs (value a word, "quoted", 'quoted' or
//      {json}) are cut from the end of the command and become parameters;
//   2. `{{name}}` and `{{name=default}}` in the format become named groups
//      that accept a word, a quoted string or a {json} value; the rest of
//      the format is a Python regular expression;
//   3. `^\s*` / `\s*$` are added unless the format anchors itself, and the
//      command (with a space on each side) is searched;
//   4. defaults fill what the command left out, then the trailing pairs
//      override.
// The values are strings (null for a group that did not take part); casting
// them to the action's parameter types comes after (alias_execution).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_value.hpp"
#include "core/python_regex.hpp"

namespace packhost::chatops::aliases {

// StackStorm's ParseException, with its messages: 'Command "…" doesn't match
// format string "…"' and "No value supplied and no default value found.".
struct FormatMismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class FormatParser {
public:
    // Throws std::invalid_argument when the format is not a valid regular
    // expression once its placeholders are replaced (the message says why).
    explicit FormatParser(std::string format);

    // A command with its trailing key=value pairs cut off (step 1), which
    // does not depend on the format: prepared once, matched against many.
    struct Command {
        std::string original;
        std::string stream;  // without the pairs, a space on each side
        std::vector<std::pair<std::string, std::string>> pairs;
    };
    // Throws std::invalid_argument for text that is not UTF-8 and
    // core::PythonRegex::TooCostly for a command too costly to match.
    static Command prepare(std::string_view command);

    // The parameters of `command` (an object of strings and nulls, in the
    // order StackStorm's dict has them). Throws FormatMismatch, TooCostly.
    Json extract(const Command& command) const;
    Json extract(std::string_view command) const { return extract(prepare(command)); }
    // match_multiple: one object per match of the format in the command
    // (none: empty).
    std::vector<Json> extract_all(const Command& command) const;
    bool matches(const Command& command) const;

    const std::string& format() const { return format_; }
    // The regular expression the format became (for `alias parse --debug`).
    const std::string& regex() const { return regex_text_; }

private:
    Json values(const Command& command, const core::PythonRegex::Match& m) const;
    bool supplies_a_value(const Command& command, const Json& values) const;

    std::string format_;
    std::string regex_text_;
    core::PythonRegex regex_;
    std::vector<std::pair<std::string, std::string>> defaults_;  // {{name=default}}, in format order
    // The longest word of the format's own text when that text is plain
    // words (no regular expression syntax): every command the format
    // matches contains it, so a command without it is passed over before
    // the search (most aliases, for most messages).
    std::string required_word_;
};

}  // namespace packhost::chatops::aliases

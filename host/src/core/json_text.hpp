#pragma once
// JSON from outside the host (command lines, files, action results, the
// store, templates, HTTP bodies) goes through one door with one depth limit.
// nlohmann's parser does not recurse, but copying, comparing, converting
// and printing a value do: a value nested 100,000 deep would take the
// process down at the first copy. So nothing deeper than kMaxJsonDepth
// levels is ever let in, and the host's own printers refuse past it too.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/json_value.hpp"
#include "core/errors.hpp"

namespace packhost::core {

inline constexpr size_t kMaxJsonDepth = 128;
// Printers and converters refuse past this: a value at the limit may sit
// inside a record or a workflow's context, a few levels down.
inline constexpr size_t kMaxPrintDepth = 2 * kMaxJsonDepth;

// Thrown for text that is not JSON or nests too deep; the message names
// `what` and the byte where the problem is. Bad input, like any other.
class JsonTextError : public ValidationError {
public:
    using ValidationError::ValidationError;
};

// The byte offset of the first array or object opened past `limit` levels
// in JSON text (brackets inside strings do not count), or npos.
size_t json_depth_exceeded_at(std::string_view text, size_t limit = kMaxJsonDepth);

// Parses `text`; throws JsonTextError("<what>: ...") when it is not one
// JSON value or nests deeper than kMaxJsonDepth.
Json parse_json(std::string_view text, const std::string& what);

// How deep a value nests (a scalar is 0, [] and [1] are 1, [[1]] is 2),
// counted without recursion and without looking past `limit` + 1.
size_t json_depth(const Json& value, size_t limit = kMaxJsonDepth);

// About how many bytes `value` holds in memory (its nodes, strings and
// keys), counted without recursion: what a bounded cache of values weighs.
size_t json_memory_bytes(const Json& value);

// Throws JsonTextError("<what>: nested deeper than N levels") when `value`
// nests deeper than `limit`.
void check_json_depth(const Json& value, const std::string& what, size_t limit = kMaxJsonDepth);

// JSON text for people and programs to read: nlohmann's layout (`indent`
// < 0: one line) with invalid UTF-8 replaced, and every number printed the
// shortest way that reads back as the same double. nlohmann's Grisu2 is
// not always shortest (4.010907 comes out as 4.0109069999999996).
std::string to_json_text(const Json& value, int indent = -1);

// to_json_text(value) on one line, appended to `out`: the printer for text
// written on every execution (records, the context and parameters handed
// to a native action), several times faster than nlohmann's dump.
void append_json_text(std::string& out, const Json& value);

// Appends `s` as a JSON string (quoted and escaped; invalid UTF-8
// replaced): for records written often, without building a Json first.
void append_json_string(std::string& out, std::string_view s);

// The shortest decimal text of `d` that reads back as `d`, with ".0" on an
// integral value ("4.010907", "2.0", "1e+20").
std::string number_text(double d);

}  // namespace packhost::core

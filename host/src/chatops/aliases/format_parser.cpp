#include "chatops/aliases/format_parser.hpp"

#include <optional>

#include "chatops/aliases/anchor_search.hpp"
#include "core/unicode.hpp"

namespace packhost::chatops::aliases {
namespace {

using core::PythonRegex;

// StackStorm's snippets, as its parser builds them.
constexpr const char* kKey = R"re(\s*(\S+?)\s*)re";
constexpr const char* kValue = R"re(""|''|"(.+?)"|'(.+?)'|({.+?})|(\S+))re";
constexpr const char* kExtValue = R"re(""|''|"(.+?)"|'(.+?)'|({.+?})|(.+?))re";

std::string pairs_snippet() { return std::string(R"re((?:^|\s+))re") + kKey + "=(" + kValue + ")"; }
std::string ending_snippet() { return R"re(.*?(()re" + pairs_snippet() + R"re(\s*)*)$)re"; }
std::string optional_snippet() {
    return std::string("{{") + kKey + R"re(\s*=\s*(?:)re" + kExtValue + R"re()\s*)re" + "}}";
}
std::string required_snippet() { return std::string("{{") + kKey + "}}"; }

// What a placeholder becomes: a word, a quoted string without its quotes, or
// a {json} value ($ws is the whitespace before the placeholder).
std::string parameter_group(std::string_view ws, std::string_view name) {
    return std::string(ws) + R"re(["\']?(?P<)re" + std::string(name) +
           R"re(>(?:(?<=\').+?(?=\')|(?<=").+?(?=")|{.+?}|.+?))["\']?)re";
}

struct Snippets {
    PythonRegex ending = PythonRegex::compile(ending_snippet(), {.dotall = true});
    PythonRegex pairs = PythonRegex::compile(pairs_snippet(), {.dotall = true});
    PythonRegex optional = PythonRegex::compile(optional_snippet(), {.dotall = true});
    // re.sub in StackStorm's parser runs without DOTALL.
    PythonRegex optional_with_space = PythonRegex::compile(std::string(R"re((\s*))re") + optional_snippet());
    PythonRegex required_with_space = PythonRegex::compile(std::string(R"re((\s*))re") + required_snippet());
    PythonRegex non_space = PythonRegex::compile(R"re(\S)re");
};

const Snippets& snippets() {
    static const Snippets s;
    return s;
}

// "".join(groups[from:]) as Python's findall gives them (unset: "").
std::string join_groups(std::string_view text, const PythonRegex::Match& m, size_t from) {
    std::string out;
    for (size_t g = from; g < m.spans.size(); ++g) out += m.group(text, g);
    return out;
}

// re.sub(regex, f(match), text).
template <typename F>
std::string substitute(const PythonRegex& regex, std::string_view text, F&& replacement) {
    std::string out;
    size_t at = 0;
    for (const auto& m : regex.find_all(text)) {
        out.append(text.substr(at, m.begin() - at));
        out += replacement(m);
        at = m.end();
    }
    out.append(text.substr(at));
    return out;
}

// str.replace(needle, "") of Python: every occurrence, left to right.
std::string remove_all(std::string text, std::string_view needle) {
    if (needle.empty()) return text;
    std::string out;
    size_t at = 0;
    for (size_t hit = text.find(needle); hit != std::string::npos; hit = text.find(needle, at)) {
        out.append(text, at, hit - at);
        at = hit + needle.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

// The longest word of the format's text outside its placeholders, or ""
// when that text holds anything a regular expression reads as syntax (it
// then need not appear as written). Whitespace is left out: the space before
// an optional placeholder is optional too.
std::string required_word(const Snippets& s, const std::string& format) {
    std::string text = substitute(s.optional_with_space, format, [](const PythonRegex::Match&) { return " "; });
    text = substitute(s.required_with_space, text, [](const PythonRegex::Match&) { return " "; });
    if (text.find_first_of("\\.^$*+?()[]{}|") != std::string::npos) return {};
    std::string longest;
    size_t at = 0;
    while (at < text.size()) {
        size_t begin = text.find_first_not_of(" \t\r\n\f\v", at);
        if (begin == std::string::npos) break;
        size_t end = text.find_first_of(" \t\r\n\f\v", begin);
        if (end == std::string::npos) end = text.size();
        if (end - begin > longest.size()) longest = text.substr(begin, end - begin);
        at = end;
    }
    return longest;
}

}  // namespace

FormatParser::FormatParser(std::string format) : format_(std::move(format)) {
    const auto& s = snippets();
    for (const auto& m : s.optional.find_all(format_)) {
        defaults_.emplace_back(std::string(m.group(format_, 1)), join_groups(format_, m, 2));
    }
    const std::string optional_done = substitute(s.optional_with_space, format_, [&](const PythonRegex::Match& m) {
        return "(?:" + parameter_group(m.group(format_, 1), m.group(format_, 2)) + ")?";
    });
    std::string reg = substitute(s.required_with_space, optional_done, [&](const PythonRegex::Match& m) {
        return parameter_group(m.group(optional_done, 1), m.group(optional_done, 2));
    });
    if (!has_beginning_anchor(reg)) reg = R"re(^\s*)re" + reg;
    if (!has_ending_anchor(reg)) reg += R"re(\s*$)re";
    regex_text_ = reg;
    required_word_ = required_word(s, format_);
    try {
        regex_ = PythonRegex::compile(reg, {.dotall = true});
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("format \"" + format_ + "\" is not a valid regular expression: " + e.what());
    }
}

FormatParser::Command FormatParser::prepare(std::string_view command) {
    // Checked here, once, rather than left to the regular expressions: the
    // JIT-compiled ones do not check, and the search below is skipped when
    // it cannot find anything.
    if (!core::unicode::is_utf8(command)) throw std::invalid_argument("the command is not UTF-8 text");
    const auto& s = snippets();
    Command out;
    out.original = std::string(command);
    std::string stream = out.original;
    // Trailing pairs need a '=': without one the search (the costliest step
    // of matching a chat message) finds none.
    std::optional<PythonRegex::Match> ending;
    if (command.find('=') != std::string_view::npos) ending = s.ending.search(stream, 0, /*anchored=*/true);
    std::string_view tail = ending ? ending->group(stream, 1) : std::string_view();
    if (!tail.empty()) {
        std::string pairs_text(tail);
        for (const auto& m : s.pairs.find_all(pairs_text)) {
            out.pairs.emplace_back(std::string(m.group(pairs_text, 1)), join_groups(pairs_text, m, 3));
        }
        stream = remove_all(std::move(stream), pairs_text);
    }
    out.stream = " " + stream + " ";
    return out;
}

Json FormatParser::values(const Command& command, const PythonRegex::Match& m) const {
    Json result = Json::object();
    const auto& names = regex_.group_names();
    for (size_t g = 1; g < names.size(); ++g) {
        if (names[g].empty()) continue;
        result[names[g]] = m.has(g) ? Json(std::string(m.group(command.stream, g))) : Json(nullptr);
    }
    for (const auto& [name, fallback] : defaults_) {
        auto it = result.find(name);
        bool given = it != result.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
        if (!given) result[name] = fallback;
    }
    for (const auto& [name, value] : command.pairs) result[name] = value;
    if (!supplies_a_value(command, result)) throw FormatMismatch("No value supplied and no default value found.");
    return result;
}

// StackStorm's last check: a format met by a blank command must have
// produced some value (a default, a pair).
bool FormatParser::supplies_a_value(const Command& command, const Json& values) const {
    if (format_.empty() || snippets().non_space.search(command.stream)) return true;
    for (const auto& [name, value] : values.items()) {
        (void)name;
        if (value.is_string() && !value.get_ref<const std::string&>().empty()) return true;
    }
    return false;
}

Json FormatParser::extract(const Command& command) const {
    auto m = regex_.search(command.stream);
    if (!m) {
        throw FormatMismatch("Command \"" + command.original + "\" doesn't match format string \"" + format_ + "\"");
    }
    return values(command, *m);
}

std::vector<Json> FormatParser::extract_all(const Command& command) const {
    std::vector<Json> out;
    for (const auto& m : regex_.find_all(command.stream)) out.push_back(values(command, m));
    return out;
}

// What match_command_to_alias asks of each format: for the many formats a
// command does not meet, one search and no exception.
bool FormatParser::matches(const Command& command) const {
    if (!required_word_.empty() && command.stream.find(required_word_) == std::string::npos) return false;
    auto m = regex_.search(command.stream);
    if (!m) return false;
    try {
        (void)values(command, *m);
        return true;
    } catch (const FormatMismatch&) {
        return false;
    }
}

}  // namespace packhost::chatops::aliases

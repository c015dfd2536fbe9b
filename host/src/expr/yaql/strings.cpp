// YAQL's strings and regular expressions (standard_library/strings.py and
// regex.py). Regular expressions run on RE2 (core/regex.hpp) with Python's
// syntax as far as RE2 reaches.
#include <algorithm>

#include "core/regex.hpp"
#include "expr/builtins.hpp"
#include "expr/yaql/library.hpp"

namespace packhost::expr::yaql::lib {
namespace {

// What regex('...') makes: a pattern its methods use.
class RegexValue : public Object {
public:
    RegexValue(std::string pattern, core::Regex re) : pattern_(std::move(pattern)), re_(std::move(re)) {}
    std::string type_name() const override { return "regex"; }
    Json to_json() const override { return pattern_; }
    const core::Regex& re() const { return re_; }
    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
    core::Regex re_;
};

const RegexValue* regex_of(const Value& v) {
    return v.is_object() ? dynamic_cast<const RegexValue*>(v.obj().get()) : nullptr;
}

core::Regex compile(const std::string& pattern, bool ignore_case = false) {
    try {
        return core::Regex::compile(pattern, ignore_case);
    } catch (const std::invalid_argument& e) {
        throw EvalError(e.what());
    }
}

// Python's str methods, as the Jinja engine has them.
Value py_method(Args& a, const char* name, size_t first_arg) {
    CallArgs rest;
    for (size_t i = first_arg; i < a.size(); ++i) rest.positional.push_back(a.has(i) ? a.at(i) : Value(Json(nullptr)));
    auto v = call_method(a.at(0), name, rest);
    if (!v) a.no_match();
    return std::move(*v);
}

Value to_upper(Args& a) {
    a.expect_count(1, 1);
    return Json(builtin::upper(string_at(a, 0)));
}

Value to_lower(Args& a) {
    a.expect_count(1, 1);
    return Json(builtin::lower(string_at(a, 0)));
}

Value str(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    return Json(j.is_string() ? j.get<std::string>() : to_text(j));
}

Value is_string(Args& a) {
    a.expect_count(1, 1);
    return Json(json_at(a, 0).is_string());
}

Value trim(Args& a, bool left, bool right) {
    a.expect_count(1, 2);
    std::string chars = a.size() > 1 && !json_at(a, 1).is_null() ? string_at(a, 1) : "";
    return Json(builtin::strip(string_at(a, 0), chars, left, right));
}
Value trim_both(Args& a) { return trim(a, true, true); }
Value trim_left(Args& a) { return trim(a, true, false); }
Value trim_right(Args& a) { return trim(a, false, true); }

Value norm(Args& a) {
    a.expect_count(1, 2);
    if (json_at(a, 0).is_null()) return Json(nullptr);
    std::string chars = a.size() > 1 && !json_at(a, 1).is_null() ? string_at(a, 1) : "";
    std::string s = builtin::strip(string_at(a, 0), chars, true, true);
    return s.empty() ? Json(nullptr) : Json(s);
}

Value is_empty(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (j.is_null()) return Json(true);
    return Json(builtin::strip(string_at(a, 0), "", true, true).empty());
}

// The pieces of `text` between the matches of `re`.
Json split_by(const core::Regex& re, const std::string& text) {
    std::string replaced = re.replace_all(text, "\x01", Budget::remaining_bytes());
    Json out = Json::array();
    size_t start = 0;
    while (true) {
        size_t hit = replaced.find('\x01', start);
        out.push_back(replaced.substr(start, hit == std::string::npos ? std::string::npos : hit - start));
        if (hit == std::string::npos) break;
        start = hit + 1;
    }
    charge_items(out.size());
    return out;
}

Value split(Args& a) {
    if (const RegexValue* r = regex_of(a.at(0))) {  // regex('x').split(text)
        a.expect_count(2, 3);
        return split_by(r->re(), string_at(a, 1));
    }
    if (a.size() > 1 && regex_of(a.at(1))) {  // text.split(regex('x'))
        a.expect_count(2, 3);
        return split_by(regex_of(a.at(1))->re(), string_at(a, 0));
    }
    a.expect_count(1, 3);
    string_at(a, 0);
    return py_method(a, "split", 1);
}

// Python's str.rsplit(sep, maxsplit): splits from the right.
Value right_split(Args& a) {
    a.expect_count(1, 3);
    std::string s = string_at(a, 0);
    int64_t max_splits = a.size() > 2 ? int_at(a, 2) : -1;
    bool by_space = a.size() < 2 || json_at(a, 1).is_null();
    std::string sep = by_space ? "" : string_at(a, 1);
    if (!by_space && sep.empty()) throw EvalError("ValueError: empty separator");
    Json parts = Json::array();
    size_t end = s.size();
    int64_t splits = 0;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    if (by_space) {
        while (end > 0) {
            while (end > 0 && space(s[end - 1])) --end;
            if (end == 0) break;
            if (max_splits >= 0 && splits >= max_splits) {
                size_t b = 0;
                while (b < end && space(s[b])) ++b;
                parts.push_back(s.substr(b, end - b));
                break;
            }
            size_t b = end;
            while (b > 0 && !space(s[b - 1])) --b;
            parts.push_back(s.substr(b, end - b));
            ++splits;
            end = b;
        }
    } else {
        while (true) {
            size_t hit = (max_splits >= 0 && splits >= max_splits) || end < sep.size() ? std::string::npos
                                                                                       : s.rfind(sep, end - sep.size());
            if (hit == std::string::npos) {
                parts.push_back(s.substr(0, end));
                break;
            }
            parts.push_back(s.substr(hit + sep.size(), end - hit - sep.size()));
            ++splits;
            end = hit;
        }
    }
    charge_items(parts.size());
    Json out = Json::array();
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) out.push_back(std::move(*it));
    return out;
}

// sequence.join(separator) and separator.join(sequence).
Value join(Args& a) {
    a.expect_count(2, 2);
    const Json* seq = &json_at(a, 0);
    const Json* sep = &json_at(a, 1);
    if (seq->is_string() && is_collection(*sep)) std::swap(seq, sep);
    if (!sep->is_string() || !is_collection(*seq)) a.no_match();
    std::string out;
    bool first = true;
    auto items = items_of(Value::borrow(*seq), a);
    for (const auto& e : items) {
        if (!first) out += sep->get_ref<const std::string&>();
        first = false;
        const Json& j = e.to_json();
        out += j.is_string() ? j.get<std::string>() : to_text(j);
        Budget::charge_bytes(out.size() / 8 + 1);
    }
    return Json(std::move(out));
}

Value replace(Args& a) {
    if (const RegexValue* r = regex_of(a.at(0))) {  // regex.replace(text, repl, count)
        a.expect_count(3, 4);
        return Json(r->re().replace_all(string_at(a, 1), string_at(a, 2), Budget::remaining_bytes()));
    }
    if (a.size() > 1 && regex_of(a.at(1))) {  // text.replace(regex, repl)
        a.expect_count(3, 4);
        return Json(regex_of(a.at(1))->re().replace_all(string_at(a, 0), string_at(a, 2), Budget::remaining_bytes()));
    }
    if (json_at(a, 0).is_object()) {  // text.replace({old => new, ...}) is on strings; dicts have none
        a.no_match();
    }
    if (a.size() == 2 && json_at(a, 1).is_object()) {  // text.replace({old: new, ...})
        std::string s = string_at(a, 0);
        for (const auto& [from, to] : json_at(a, 1).items()) {
            if (!to.is_string()) a.no_match();
            s = builtin::replace_all(s, from, to.get<std::string>(), -1);
        }
        return Json(std::move(s));
    }
    if (json_at(a, 0).is_array()) {  // list.replace(position, value)
        a.expect_count(3, 4);
        auto list = items_of(a.at(0), a);
        int64_t pos = int_at(a, 1), size = static_cast<int64_t>(list.size());
        if (pos < 0) pos += size;
        if (pos >= 0 && pos < size) list[static_cast<size_t>(pos)] = a.at(2);
        return to_list(list);
    }
    a.expect_count(3, 4);
    int64_t count = a.size() > 3 ? int_at(a, 3) : -1;
    return Json(builtin::replace_all(string_at(a, 0), string_at(a, 1), string_at(a, 2), count));
}

// Python's str.format: {} {0} {name}, {{ and }}; no format specs.
Value format(Args& a) {
    std::string fmt = string_at(a, 0);
    std::string out;
    size_t next_auto = 1;
    for (size_t i = 0; i < fmt.size(); ++i) {
        char c = fmt[i];
        if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
            out += '}';
            ++i;
            continue;
        }
        if (c != '{') {
            out += c;
            continue;
        }
        if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        size_t close = fmt.find('}', i);
        if (close == std::string::npos) throw EvalError("ValueError: Single '{' encountered in format string");
        std::string field = fmt.substr(i + 1, close - i - 1);
        if (field.find_first_of(":!") != std::string::npos)
            throw EvalError("format(): format specifications are not supported: {" + field + "}");
        Value v;
        if (field.empty()) {
            if (next_auto >= a.size()) throw EvalError("IndexError: Replacement index out of range");
            v = a.at(next_auto++);
        } else if (std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; })) {
            size_t k = std::stoul(field) + 1;
            if (k >= a.size()) throw EvalError("IndexError: Replacement index out of range");
            v = a.at(k);
        } else {
            auto named = a.named(field);
            if (!named) throw KeyMissing(field);
            v = *named;
        }
        const Json& j = v.to_json();
        out += j.is_string() ? j.get<std::string>() : to_text(j);
        Budget::charge_bytes(out.size() / 8 + 1);
        i = close;
    }
    return Json(std::move(out));
}

Value substring(Args& a) {
    a.expect_count(2, 3);
    auto cps = code_points(string_at(a, 0));
    int64_t n = static_cast<int64_t>(cps.size());
    int64_t start = int_at(a, 1), length = a.size() > 2 ? int_at(a, 2) : -1;
    if (start < 0) start = std::max<int64_t>(0, start + n);
    start = std::min(start, n);
    int64_t end = length < 0 ? n : std::min(n, start + length);
    std::string out;
    for (int64_t i = start; i < end; ++i) out += cps[static_cast<size_t>(i)];
    return Json(std::move(out));
}

// text.indexOf(sub) (code points) and list.indexOf(item); -1 when absent.
Value index_of(Args& a, bool last) {
    a.expect_count(2, 4);
    const Json& j = json_at(a, 0);
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        std::string sub = string_at(a, 1);
        Budget::charge_scan(s.size());
        size_t at = last ? s.rfind(sub) : s.find(sub);
        if (at == std::string::npos) return Json(-1);
        return Json(static_cast<int64_t>(code_point_count(std::string_view(s).substr(0, at))));
    }
    auto items = items_of(a.at(0), a);
    int64_t found = -1;
    for (size_t i = 0; i < items.size(); ++i) {
        if (py_equal(items[i].to_json(), json_at(a, 1))) {
            found = static_cast<int64_t>(i);
            if (!last) break;
        }
    }
    return Json(found);
}
Value index_of_first(Args& a) { return index_of(a, false); }
Value index_of_last(Args& a) { return index_of(a, true); }

Value to_char_array(Args& a) {
    a.expect_count(1, 1);
    auto cps = code_points(string_at(a, 0));
    charge_items(cps.size());
    Json out = Json::array();
    for (auto& c : cps) out.push_back(std::move(c));
    return out;
}

Value starts_or_ends(Args& a, bool at_end) {
    if (a.size() < 2) a.no_match();
    std::string s = string_at(a, 0);
    for (size_t i = 1; i < a.size(); ++i) {
        std::string p = string_at(a, i);
        if (p.size() > s.size()) continue;
        if (at_end ? s.compare(s.size() - p.size(), p.size(), p) == 0 : s.compare(0, p.size(), p) == 0)
            return Json(true);
    }
    return Json(false);
}
Value starts_with(Args& a) { return starts_or_ends(a, false); }
Value ends_with(Args& a) { return starts_or_ends(a, true); }

// --- regular expressions --------------------------------------------------------

Value regex(Args& a) {
    a.expect_count(1, 1);
    std::string pattern = string_at(a, 0);
    bool ignore_case = false;
    if (auto ic = a.named("ignoreCase")) ignore_case = truthy(*ic);
    return Value::object(std::make_shared<RegexValue>(pattern, compile(pattern, ignore_case)));
}

// The pattern and the text of a call, whichever is the receiver.
std::pair<std::string, std::string> pattern_and_text(Args& a, bool regex_receiver = false) {
    a.expect_count(2, 3);
    if (regex_receiver && !regex_of(a.at(0))) a.no_match();
    if (const RegexValue* r = regex_of(a.at(0))) return {r->pattern(), string_at(a, 1)};
    if (const RegexValue* r = regex_of(a.at(1))) return {r->pattern(), string_at(a, 0)};
    return {string_at(a, 1), string_at(a, 0)};
}

Value matches(Args& a) {
    auto [pattern, text] = pattern_and_text(a);
    return Json(compile(pattern).search(text));
}

// The whole matches: the pattern wrapped in a group of its own, which
// find_all then gives first.
std::vector<std::string> whole_matches(const std::string& pattern, const std::string& text) {
    std::vector<std::string> out;
    Budget::charge_scan(text.size());
    try {
        for (auto& groups :
             compile("(" + pattern + ")").find_all(text, Budget::remaining_bytes() / Budget::kElementBytes + 1))
            out.push_back(std::move(groups.at(0)));
    } catch (const std::length_error&) {
        throw EvalError("too many matches");
    }
    return out;
}

Value search(Args& a) {
    auto [pattern, text] = pattern_and_text(a, true);
    auto found = whole_matches(pattern, text);
    return found.empty() ? Json(nullptr) : Json(found[0]);
}

Value search_all(Args& a) {
    auto [pattern, text] = pattern_and_text(a, true);
    auto found = whole_matches(pattern, text);
    charge_items(found.size());
    Json out = Json::array();
    for (auto& m : found) out.push_back(std::move(m));
    return out;
}

Value escape_regex(Args& a) {
    a.expect_count(1, 1);
    std::string out;
    for (char c : string_at(a, 0)) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80))) out += '\\';
        out += c;
    }
    return Json(std::move(out));
}

Value is_regex(Args& a) {
    a.expect_count(1, 1);
    return Json(regex_of(a.at(0)) != nullptr);
}

}  // namespace

void add_strings(Table& t) {
    t.insert(t.end(), {
                          {"toUpper", to_upper, true},
                          {"toLower", to_lower, true},
                          {"str", str},
                          {"isString", is_string},
                          {"trim", trim_both, true},
                          {"trimLeft", trim_left, true},
                          {"trimRight", trim_right, true},
                          {"norm", norm},
                          {"isEmpty", is_empty},
                          {"split", split, true},
                          {"rightSplit", right_split, true},
                          {"join", join, true},
                          {"replace", replace, true},
                          {"format", format},
                          {"substring", substring, true},
                          {"indexOf", index_of_first, true},
                          {"lastIndexOf", index_of_last, true},
                          {"toCharArray", to_char_array, true},
                          {"startsWith", starts_with, true},
                          {"endsWith", ends_with, true},
                          {"regex", regex},
                          {"matches", matches, true},
                          {"search", search, true},
                          {"searchAll", search_all, true},
                          {"escapeRegex", escape_regex},
                          {"isRegex", is_regex},
                      });
}

}  // namespace packhost::expr::yaql::lib

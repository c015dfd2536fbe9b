// StackStorm's filters (st2common/jinja/filters): JSON and YAML strings,
// regular expressions, paths, versions, use_none.
#include <algorithm>
#include <limits>

#include "core/json_text.hpp"
#include "core/regex.hpp"
#include "core/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include "core/semver.hpp"
#include "expr/builtin_helpers.hpp"
#include "expr/builtins.hpp"
#include "expr/jsonpath.hpp"
#include "expr/secret_text.hpp"
#include "expr/st2_values.hpp"

namespace packhost::expr {
namespace {

using namespace builtin;

// --- JSON --------------------------------------------------------------------

Value f_to_json_string(Evaluator&, const Value& in, CallArgs& a) {
    a.check("to_json_string", {"indent", "sort_keys", "separators"});
    const Value* ind = arg(a, 0, "indent");
    int indent = (ind && is_number(ind->json()))
                     ? static_cast<int>(std::clamp<int64_t>(as_int(ind->json()), -1, std::numeric_limits<int>::max()))
                     : -1;
    bool sort_keys = arg_bool(a, 1, "sort_keys", false);
    std::string item_sep, key_sep;
    const Value* seps = arg(a, 2, "separators");
    if (seps && seps->json().is_array() && seps->json().size() == 2) {
        item_sep = seps->json()[0].get<std::string>();
        key_sep = seps->json()[1].get<std::string>();
    }
    // StackStorm passes separators=(',', ': ') unless told otherwise.
    return Json(python_json_dumps(in.to_json(), indent, sort_keys, item_sep.empty() ? "," : item_sep.c_str(),
                                  key_sep.empty() ? ": " : key_sep.c_str()));
}

Value f_from_json_string(Evaluator&, const Value& in, CallArgs&) {
    std::string s = to_str(in);
    Budget::charge_bytes(s.size());
    try {
        return core::parse_json(s, "from_json_string");
    } catch (const core::JsonTextError& e) {
        throw EvalError(std::string(e.what()) + ": " + (s.size() > 60 ? s.substr(0, 60) + "..." : s));
    }
}

Value f_json_escape(Evaluator&, const Value& in, CallArgs&) {
    // json.dumps(value).strip('"')
    std::string s = python_json_dumps(in.to_json());
    size_t b = 0, e = s.size();
    while (b < e && s[b] == '"') ++b;
    while (e > b && s[e - 1] == '"') --e;
    return Json(s.substr(b, e - b));
}

// --- YAML --------------------------------------------------------------------

Value f_from_yaml_string(Evaluator&, const Value& in, CallArgs&) {
    try {
        return core::yaml_to_json(YAML::Load(to_str(in)));
    } catch (const YAML::Exception& e) {
        throw EvalError(std::string("from_yaml_string: invalid YAML: ") + e.what());
    } catch (const core::JsonTextError& e) {
        throw EvalError(std::string("from_yaml_string: ") + e.what());
    }
}

// A string PyYAML would write without quotes.
bool plain_ok(const std::string& s) {
    if (s.empty()) return false;
    if (!core::resolve_plain_scalar(s).is_string()) return false;  // would read back as another type
    if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s[0]) != std::string::npos) {
        if (!((s[0] == '-' || s[0] == '?' || s[0] == ':') && s.size() > 1 && s[1] != ' ')) return false;
    }
    if (s.front() == ' ' || s.back() == ' ') return false;
    if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') return false;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return false;
    }
    return true;
}

std::string yaml_scalar(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return j.dump();
    case Json::value_t::number_float: {
        double d = j.get<double>();
        if (std::isnan(d)) return ".nan";
        if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
        std::string r = float_repr(d);
        if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) r.replace(r.find('e'), 1, ".0e");
        return r;
    }
    case Json::value_t::string: {
        const std::string& s = j.get_ref<const std::string&>();
        if (plain_ok(s)) return s;
        bool control = false;
        for (unsigned char c : s) control |= (c < 0x20 || c == 0x7f);
        if (!control) {
            std::string quoted(1, '\'');
            quoted += replace_all(s, "'", "''", -1);
            quoted += '\'';
            return quoted;
        }
        return python_json_dumps(j, -1, false, nullptr, nullptr, false);  // double-quoted with escapes
    }
    case Json::value_t::array: return "[]";
    case Json::value_t::object: return "{}";
    default: return "null";
    }
}

bool is_block(const Json& j) { return (j.is_array() || j.is_object()) && !j.empty(); }

// PyYAML's block layout: mappings indent nested mappings by `indent`,
// sequences under a key are not indented, keys sorted (safe_dump's default).
void emit_yaml(const Json& j, size_t col, std::string& out, size_t indent, size_t depth = 0) {
    if (depth > core::kMaxPrintDepth) {
        throw EvalError("cannot print a value nested deeper than " + std::to_string(core::kMaxPrintDepth) + " levels");
    }
    Budget::charge_repeat(col + 1, j.size());  // each entry starts a line this far in
    if (j.is_object()) {
        std::vector<std::string> keys;
        for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
        std::sort(keys.begin(), keys.end());
        bool first = true;
        for (const auto& k : keys) {
            if (!first) out += std::string(col, ' ');
            first = false;
            out += yaml_scalar(Json(k)) + ":";
            const Json& v = j.at(k);
            if (is_block(v)) {
                out += "\n";
                size_t child = v.is_array() ? col : col + indent;
                out += std::string(child, ' ');
                emit_yaml(v, child, out, indent, depth + 1);
            } else {
                out += ' ';
                out += yaml_scalar(v);
                out += '\n';
            }
        }
    } else if (j.is_array()) {
        bool first = true;
        for (const auto& v : j) {
            if (!first) out += std::string(col, ' ');
            first = false;
            out += "- ";
            if (is_block(v)) {
                emit_yaml(v, col + 2, out, indent, depth + 1);
            } else {
                out += yaml_scalar(v) + "\n";
            }
        }
    }
}

Value f_to_yaml_string(Evaluator&, const Value& in, CallArgs& a) {
    a.check("to_yaml_string", {"indent", "allow_unicode"});
    int64_t asked = arg_int(a, 0, "indent", 2);
    if (asked > kMaxRequestedSize) throw EvalError("to_yaml_string: indent too large");
    size_t indent = static_cast<size_t>(std::max<int64_t>(2, asked));
    const Json& j = in.to_json();
    std::string out;
    if (is_block(j)) {
        emit_yaml(j, 0, out, indent);
    } else {
        out = yaml_scalar(j) + "\n";
        if (!j.is_array() && !j.is_object()) out += "...\n";
    }
    return Json(out);
}

// --- regular expressions --------------------------------------------------------

// regex_substring collects every match (re.findall) to index them.
constexpr size_t kMaxMatches = 100000;

core::Regex compile_regex(const Value& subject, const CallArgs& a, size_t ignorecase_index) {
    Budget::charge_scan(to_str(subject).size());  // RE2 is linear in the text
    try {
        return core::Regex::compile(arg_str(a, 0, "pattern", ""), arg_bool(a, ignorecase_index, "ignorecase", false));
    } catch (const std::invalid_argument& e) {
        throw EvalError(e.what());
    }
}

Value f_regex_match(Evaluator&, const Value& in, CallArgs& a) {
    a.check("regex_match", {"pattern", "ignorecase"});
    return Json(compile_regex(in, a, 1).match_start(to_str(in)));
}

Value f_regex_search(Evaluator&, const Value& in, CallArgs& a) {
    a.check("regex_search", {"pattern", "ignorecase"});
    return Json(compile_regex(in, a, 1).search(to_str(in)));
}

Value f_regex_replace(Evaluator&, const Value& in, CallArgs& a) {
    a.check("regex_replace", {"pattern", "replacement", "ignorecase"});
    auto re = compile_regex(in, a, 2);
    try {
        std::string out = re.replace_all(to_str(in), arg_str(a, 1, "replacement", ""), Budget::remaining_bytes());
        Budget::charge_bytes(out.size());
        return Json(out);
    } catch (const std::invalid_argument& e) {
        throw EvalError(e.what());
    }
}

Value f_regex_substring(Evaluator&, const Value& in, CallArgs& a) {
    a.check("regex_substring", {"pattern", "result_index", "ignorecase"});
    auto re = compile_regex(in, a, 2);
    int64_t index = arg_int(a, 1, "result_index", 0);
    // re.findall: the match (no groups), the group (one), a list of groups (several).
    auto matches = re.find_all(to_str(in), kMaxMatches);
    int64_t n = static_cast<int64_t>(matches.size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) throw EvalError("regex_substring: no match at index " + std::to_string(index));
    const auto& m = matches[static_cast<size_t>(index)];
    if (m.size() == 1) return Json(m[0]);
    Json groups = Json::array();
    for (const auto& g : m) groups.push_back(g);
    return groups;
}

// --- paths and versions ------------------------------------------------------------

Value f_basename(Evaluator&, const Value& in, CallArgs&) {
    std::string s = to_str(in);
    size_t slash = s.rfind('/');
    return Json(slash == std::string::npos ? s : s.substr(slash + 1));
}

Value f_dirname(Evaluator&, const Value& in, CallArgs&) {
    // os.path.dirname: everything before the last '/', trailing slashes
    // stripped unless the result is only slashes.
    std::string s = to_str(in);
    size_t slash = s.rfind('/');
    if (slash == std::string::npos) return Json("");
    std::string head = s.substr(0, slash + 1);
    if (head.find_first_not_of('/') != std::string::npos) {
        while (!head.empty() && head.back() == '/') head.pop_back();
    }
    return Json(head);
}

core::Semver version_of(const Value& v, const char* what) {
    std::string s = to_str(v);
    auto parsed = core::Semver::parse(s);
    if (!parsed) throw EvalError(std::string(what) + ": '" + s + "' is not valid SemVer string");
    return *parsed;
}

int compare_versions(const Value& in, CallArgs& a, const char* name) {
    a.check(name, {"pred_version"});
    const Value* other = arg(a, 0, "pred_version");
    if (!other) throw EvalError(std::string(name) + "() needs a version to compare with");
    int c = version_of(in, name).compare(version_of(*other, name));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Value f_version_compare(Evaluator&, const Value& in, CallArgs& a) {
    return Json(compare_versions(in, a, "version_compare"));
}
Value f_version_more_than(Evaluator&, const Value& in, CallArgs& a) {
    return Json(compare_versions(in, a, "version_more_than") == 1);
}
Value f_version_less_than(Evaluator&, const Value& in, CallArgs& a) {
    return Json(compare_versions(in, a, "version_less_than") == -1);
}
Value f_version_equal(Evaluator&, const Value& in, CallArgs& a) {
    return Json(compare_versions(in, a, "version_equal") == 0);
}

Value bump(const Value& in, int part) {
    auto v = version_of(in, "version_bump");
    core::Semver out;
    out.major = v.major + (part == 0);
    out.minor = part == 0 ? 0 : v.minor + (part == 1);
    out.patch = part <= 1 ? 0 : v.patch + 1;
    return Json(out.str());
}
Value f_bump_major(Evaluator&, const Value& in, CallArgs&) { return bump(in, 0); }
Value f_bump_minor(Evaluator&, const Value& in, CallArgs&) { return bump(in, 1); }
Value f_bump_patch(Evaluator&, const Value& in, CallArgs&) { return bump(in, 2); }

// Opens a secret datastore value (st2kv.system.KEY | decrypt_kv).
Value f_decrypt_kv(Evaluator&, const Value& in, CallArgs&) {
    if (in.is_undefined()) throw EvalError(in.hint());
    auto* secret = in.is_object() ? dynamic_cast<const SecretText*>(in.obj().get()) : nullptr;
    if (!secret) return in;  // not encrypted: StackStorm passes it through
    try {
        return Json(secret->decrypt());
    } catch (const std::runtime_error& e) {
        throw EvalError(std::string("decrypt_kv: ") + e.what());
    }
}

// semver.match(value, ">=1.2.0"): one comparison, the operator first.
Value f_version_match(Evaluator&, const Value& in, CallArgs& a) {
    a.check("version_match", {"pattern"});
    const Value* p = arg(a, 0, "pattern");
    if (!p) throw EvalError("version_match() needs a pattern such as '>=1.0.0'");
    std::string pattern = to_str(*p);
    size_t op_len = 0;
    while (op_len < pattern.size() && op_len < 2 && std::string("<>=!").find(pattern[op_len]) != std::string::npos)
        ++op_len;
    std::string op = pattern.substr(0, op_len);
    if (op != ">" && op != "<" && op != ">=" && op != "<=" && op != "==" && op != "!=") {
        throw EvalError("version_match: '" + pattern + "' must start with one of >, <, >=, <=, ==, !=");
    }
    int c = version_of(in, "version_match").compare(version_of(Value(Json(pattern.substr(op_len))), "version_match"));
    bool ok = op == ">"    ? c > 0
              : op == "<"  ? c < 0
              : op == ">=" ? c >= 0
              : op == "<=" ? c <= 0
              : op == "==" ? c == 0
                           : c != 0;
    return Json(ok);
}

Value f_version_strip_patch(Evaluator&, const Value& in, CallArgs&) {
    auto v = version_of(in, "version_strip_patch");
    return Json(std::to_string(v.major) + "." + std::to_string(v.minor));
}

// "1h3m5s": the largest units first, from the first that is not zero.
Value f_to_human_time_from_seconds(Evaluator&, const Value& in, CallArgs&) {
    const Json& j = in.to_json();
    if (j.is_null()) return Json(nullptr);
    if (!is_number(j) || j.is_boolean())
        throw EvalError("to_human_time_from_seconds: the value must be a number of seconds");
    double s = as_double(j);
    if (s == 0) return Json("0s");
    if (s < 1) return Json(to_str(in) + "\u03bcs");
    int64_t total = j.is_number_float() ? static_cast<int64_t>(std::nearbyint(s)) : as_int(j);
    int64_t days_total = total / 86400;
    // datetime(1, 1, 1) + timedelta: whole years of the proleptic calendar, then days.
    int64_t years = 0, year = 1;
    auto year_days = [](int64_t y) { return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365; };
    while (days_total >= year_days(year)) {
        days_total -= year_days(year++);
        ++years;
    }
    // The day of the month only (datetime.day - 1): months are dropped, as StackStorm drops them.
    int64_t day_of_year = days_total,
            month_days[] = {31, year_days(year) == 366 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int64_t m : month_days) {
        if (day_of_year < m) break;
        day_of_year -= m;
    }
    int64_t parts[] = {years, day_of_year, (total / 3600) % 24, (total / 60) % 60, total % 60};
    const char* units[] = {"y", "d", "h", "m", "s"};
    size_t first = 0;
    while (first < 5 && parts[first] == 0) ++first;
    if (first == 5) return Json("0s");
    std::string out;
    for (size_t i = first; i < 5; ++i) out += std::to_string(parts[i]) + units[i];
    return Json(out);
}

Value f_jsonpath_query(Evaluator&, const Value& in, CallArgs& a) {
    a.check("jsonpath_query", {"query"});
    const Value* q = arg(a, 0, "query");
    if (!q || !q->to_json().is_string()) throw EvalError("jsonpath_query() needs a query string");
    std::vector<Json> found;
    try {
        found = jsonpath_find(in.to_json(), q->to_json().get<std::string>());
    } catch (const std::invalid_argument& e) {
        throw EvalError(e.what());
    }
    if (found.empty()) return Json(nullptr);
    Json out = Json::array();
    for (auto& f : found) out.push_back(std::move(f));
    return out;
}

// json.dumps(value) with Python's default separators.
Value f_to_complex(Evaluator&, const Value& in, CallArgs&) { return Json(python_json_dumps(in.to_json())); }

Value f_use_none(Evaluator&, const Value& in, CallArgs&) {
    if (in.is_json() && in.json().is_null()) return Json(kNoneMagic);
    return in;
}

}  // namespace

bool is_st2_function(std::string_view name) {
    static const std::string_view kNames[] = {"to_json_string",     "from_json_string",
                                              "to_yaml_string",     "from_yaml_string",
                                              "json_escape",        "regex_match",
                                              "regex_replace",      "regex_search",
                                              "regex_substring",    "use_none",
                                              "basename",           "dirname",
                                              "version_compare",    "version_more_than",
                                              "version_less_than",  "version_equal",
                                              "version_bump_major", "version_bump_minor",
                                              "version_bump_patch", "json_parse",
                                              "json_dump",          "yaml_parse",
                                              "yaml_dump",          "to_complex",
                                              "jsonpath_query",     "to_human_time_from_seconds",
                                              "version_match",      "version_strip_patch"};
    for (auto n : kNames) {
        if (n == name) return true;
    }
    return false;
}

void register_st2_filters(std::vector<std::pair<std::string_view, FilterFn>>& t) {
    t.insert(t.end(), {
                          {"to_json_string", {f_to_json_string}},
                          {"from_json_string", {f_from_json_string}},
                          {"to_yaml_string", {f_to_yaml_string}},
                          {"from_yaml_string", {f_from_yaml_string}},
                          {"json_escape", {f_json_escape}},
                          {"regex_match", {f_regex_match}},
                          {"regex_replace", {f_regex_replace}},
                          {"regex_search", {f_regex_search}},
                          {"regex_substring", {f_regex_substring}},
                          {"use_none", {f_use_none}},
                          {"basename", {f_basename}},
                          {"dirname", {f_dirname}},
                          {"version_compare", {f_version_compare}},
                          {"version_more_than", {f_version_more_than}},
                          {"version_less_than", {f_version_less_than}},
                          {"version_equal", {f_version_equal}},
                          {"version_bump_major", {f_bump_major}},
                          {"version_bump_minor", {f_bump_minor}},
                          {"version_bump_patch", {f_bump_patch}},
                          {"decrypt_kv", {f_decrypt_kv}},
                          // The names Orquesta's catalog gives the same functions.
                          {"json_parse", {f_from_json_string}},
                          {"json_dump", {f_to_json_string}},
                          {"yaml_parse", {f_from_yaml_string}},
                          {"yaml_dump", {f_to_yaml_string}},
                          {"to_complex", {f_to_complex}},
                          {"jsonpath_query", {f_jsonpath_query}},
                          {"to_human_time_from_seconds", {f_to_human_time_from_seconds}},
                          {"version_match", {f_version_match}},
                          {"version_strip_patch", {f_version_strip_patch}},
                      });
}

}  // namespace packhost::expr

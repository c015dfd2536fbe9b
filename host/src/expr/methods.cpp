// Methods of str, dict and list values: `name.upper()`, `d.get('k', 1)`.
#include "expr/builtin_helpers.hpp"
#include "expr/builtins.hpp"

namespace packhost::expr {
namespace {

using namespace builtin;

std::string self_str(const Value& self) { return self.json().get<std::string>(); }

bool prefix_match(const std::string& s, const Value& arg, bool at_end) {
    auto one = [&](const std::string& p) {
        if (p.size() > s.size()) return false;
        return at_end ? s.compare(s.size() - p.size(), p.size(), p) == 0 : s.compare(0, p.size(), p) == 0;
    };
    if (arg.json().is_array()) {  // a tuple of prefixes
        for (const auto& p : arg.json()) {
            if (p.is_string() && one(p.get<std::string>())) return true;
        }
        return false;
    }
    if (!arg.json().is_string()) throw EvalError("startswith/endswith first arg must be str or a tuple of str");
    return one(arg.json().get<std::string>());
}

Json split(const std::string& s, const Value* sep_arg, int64_t maxsplit) {
    Json out = Json::array();
    // Each piece is paid for before it is added.
    auto add = [&out](std::string piece) {
        Budget::charge_bytes(Budget::kElementBytes + piece.size());
        out.push_back(std::move(piece));
    };
    if (!sep_arg || sep_arg->json().is_null()) {
        // Runs of whitespace, no empty strings.
        size_t i = 0;
        int64_t splits = 0;
        while (i < s.size()) {
            while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            if (i >= s.size()) break;
            if (maxsplit >= 0 && splits >= maxsplit) {
                std::string rest = s.substr(i);
                add(strip(rest, "", false, true));
                return out;
            }
            size_t b = i;
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            add(s.substr(b, i - b));
            ++splits;
        }
        return out;
    }
    std::string sep = to_str(*sep_arg);
    if (sep.empty()) throw EvalError("empty separator");
    size_t start = 0;
    int64_t splits = 0;
    while (true) {
        size_t hit = s.find(sep, start);
        if (hit == std::string::npos || (maxsplit >= 0 && splits >= maxsplit)) {
            add(s.substr(start));
            return out;
        }
        add(s.substr(start, hit - start));
        start = hit + sep.size();
        ++splits;
    }
}

std::optional<Value> string_method(const Value& self, std::string_view name, CallArgs& a) {
    // Every string method reads its string at least once (and copies it here).
    Budget::charge_bytes(self.json().get_ref<const std::string&>().size());
    std::string s = self_str(self);
    if (name == "upper") return Value(Json(upper(s)));
    if (name == "lower") return Value(Json(lower(s)));
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        std::string chars = arg_str(a, 0, "chars", "");
        return Value(Json(strip(s, chars, name != "rstrip", name != "lstrip")));
    }
    if (name == "split") return Value(split(s, arg(a, 0, "sep"), arg_int(a, 1, "maxsplit", -1)));
    if (name == "splitlines") {
        Budget::charge_repeat(Budget::kElementBytes, static_cast<size_t>(std::count(s.begin(), s.end(), '\n')) + 1);
        Json out = Json::array();
        size_t start = 0;
        while (start < s.size()) {
            size_t nl = s.find('\n', start);
            out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        return Value(out);
    }
    if (name == "replace") {
        const Value* o = arg(a, 0, "old");
        const Value* n = arg(a, 1, "new");
        if (!o || !n) throw EvalError("replace() takes at least 2 arguments");
        return Value(Json(replace_all(s, to_str(*o), to_str(*n), arg_int(a, 2, "count", -1))));
    }
    if (name == "startswith" || name == "endswith") {
        const Value* p = arg(a, 0, "prefix");
        if (!p) throw EvalError(std::string(name) + "() takes at least 1 argument");
        return Value(Json(prefix_match(s, *p, name == "endswith")));
    }
    if (name == "find" || name == "count") {
        const Value* sub = arg(a, 0, "sub");
        if (!sub) throw EvalError(std::string(name) + "() takes at least 1 argument");
        std::string needle = to_str(*sub);
        if (name == "find") {
            size_t pos = s.find(needle);
            return Value(Json(pos == std::string::npos ? int64_t(-1) : int64_t(code_points(s.substr(0, pos)).size())));
        }
        if (needle.empty()) return Value(Json(int64_t(code_points(s).size() + 1)));
        int64_t n = 0;
        for (size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + needle.size())) ++n;
        return Value(Json(n));
    }
    if (name == "join") {
        const Value* items = arg(a, 0, "iterable");
        if (!items) throw EvalError("join() takes exactly one argument");
        std::string out;
        bool first = true;
        auto parts = iterate(*items);
        if (!parts.empty()) Budget::charge_repeat(s.size(), parts.size() - 1);
        for (const auto& i : parts) {
            if (!i.json().is_string())
                throw EvalError("sequence item: expected str instance, " + python_type(i.json()) + " found");
            Budget::charge_bytes(i.json().get_ref<const std::string&>().size());
            if (!first) out += s;
            first = false;
            out += i.json().get<std::string>();
        }
        return Value(Json(out));
    }
    if (name == "title") return Value(Json(core::unicode::title(s)));
    if (name == "capitalize") return Value(Json(core::unicode::capitalize(s)));
    if (name == "swapcase") return Value(Json(core::unicode::swapcase(s)));
    if (name == "isdigit") return Value(Json(core::unicode::is_digit(s)));
    if (name == "isalpha") return Value(Json(core::unicode::is_alpha(s)));
    if (name == "isalnum") return Value(Json(core::unicode::is_alnum(s)));
    if (name == "isspace") return Value(Json(core::unicode::is_space(s)));
    if (name == "isupper") return Value(Json(core::unicode::is_upper(s)));
    if (name == "islower") return Value(Json(core::unicode::is_lower(s)));
    return std::nullopt;
}

std::optional<Value> dict_method(const Value& self, std::string_view name, CallArgs& a) {
    const Json& d = self.json();
    if (name == "items") {
        Json out = Json::array();
        for (auto it = d.begin(); it != d.end(); ++it) {
            check_nestable(it.value(), 2);
            out.push_back(Json::array({it.key(), it.value()}));
        }
        return Value(out);
    }
    if (name == "keys") {
        Json out = Json::array();
        for (auto it = d.begin(); it != d.end(); ++it) out.push_back(it.key());
        return Value(out);
    }
    if (name == "values") {
        Json out = Json::array();
        for (auto it = d.begin(); it != d.end(); ++it) out.push_back(it.value());
        return Value(out);
    }
    if (name == "get") {
        const Value* k = arg(a, 0, "key");
        if (!k) throw EvalError("get expected at least 1 argument, got 0");
        if (k->json().is_string()) {
            auto it = d.find(k->json().get<std::string>());
            if (it != d.end()) return self.borrowed() ? Value::borrow(*it) : Value(Json(*it));
        }
        const Value* def = arg(a, 1, "default");
        return def ? *def : Value(Json(nullptr));
    }
    return std::nullopt;
}

const char* const kStringMethods[] = {"upper",      "lower",   "strip",      "lstrip",   "rstrip",  "split",
                                      "splitlines", "replace", "startswith", "endswith", "find",    "count",
                                      "join",       "title",   "capitalize", "swapcase", "isdigit", "isalpha",
                                      "isalnum",    "isspace", "isupper",    "islower"};
const char* const kDictMethods[] = {"items", "keys", "values", "get"};

}  // namespace

bool has_method(const Value& self, std::string_view name) {
    if (!self.is_json()) return false;
    if (self.json().is_string()) {
        for (const char* m : kStringMethods) {
            if (name == m) return true;
        }
    } else if (self.json().is_object()) {
        for (const char* m : kDictMethods) {
            if (name == m) return true;
        }
    }
    return false;
}

std::optional<Value> call_method(const Value& self, std::string_view name, CallArgs& args) {
    if (!self.is_json()) return std::nullopt;
    if (self.json().is_string()) return string_method(self, name, args);
    if (self.json().is_object()) return dict_method(self, name, args);
    return std::nullopt;
}

}  // namespace packhost::expr

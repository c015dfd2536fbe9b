// jinja2's built-in filters, with its argument names and defaults.
#include <cmath>
#include <cstdio>
#include <random>

#include "expr/builtin_helpers.hpp"
#include "expr/builtins.hpp"
#include "expr/evaluator.hpp"

namespace packhost::expr {
namespace {

using namespace builtin;

Value f_default(Evaluator&, const Value& in, CallArgs& a) {
    a.check("default", {"default_value", "boolean"});
    bool boolean = arg_bool(a, 1, "boolean", false);
    if (in.is_undefined() || (boolean && !truthy(in))) {
        const Value* d = arg(a, 0, "default_value");
        return d ? *d : Value(Json(""));
    }
    return in;
}

Value f_length(Evaluator&, const Value& in, CallArgs&) { return Json(static_cast<int64_t>(py_length(in))); }
Value f_upper(Evaluator&, const Value& in, CallArgs&) { return Json(upper(to_str(in))); }
Value f_lower(Evaluator&, const Value& in, CallArgs&) { return Json(lower(to_str(in))); }

Value f_capitalize(Evaluator&, const Value& in, CallArgs&) {
    std::string s = to_str(in);
    Budget::charge_scan(s.size());
    return Json(core::unicode::capitalize(s));
}

Value f_title(Evaluator&, const Value& in, CallArgs&) {
    // jinja2: words start after runs of '-', whitespace, '(', '{', '[' or
    // '<'; each is item[0].upper() + item[1:].lower().
    std::string s = to_str(in), out;
    Budget::charge_scan(s.size());
    auto separator = [](const std::string& cp) {
        if (cp.size() == 1 && std::string_view("-({[<").find(cp[0]) != std::string_view::npos) return true;
        return core::unicode::is_space(cp);
    };
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        size_t first = code_points(word).front().size();
        out += core::unicode::upper(word.substr(0, first)) + core::unicode::lower(word.substr(first));
        word.clear();
    };
    for (const auto& cp : code_points(s)) {
        if (separator(cp)) {
            flush();
            out += cp;
        } else {
            word += cp;
        }
    }
    flush();
    return Json(out);
}

Value f_trim(Evaluator&, const Value& in, CallArgs& a) {
    a.check("trim", {"chars"});
    return Json(strip(to_str(in), arg_str(a, 0, "chars", ""), true, true));
}

Value f_replace(Evaluator&, const Value& in, CallArgs& a) {
    a.check("replace", {"old", "new", "count"});
    const Value* old = arg(a, 0, "old");
    const Value* nw = arg(a, 1, "new");
    if (!old || !nw) throw EvalError("replace() needs 'old' and 'new'");
    return Json(replace_all(to_str(in), to_str(*old), to_str(*nw), arg_int(a, 2, "count", -1)));
}

Value f_join(Evaluator&, const Value& in, CallArgs& a) {
    a.check("join", {"d", "attribute"});
    std::string sep = arg_str(a, 0, "d", ""), attribute = arg_str(a, 1, "attribute", ""), out;
    auto items = iterate(in);
    if (!items.empty()) Budget::charge_repeat(sep.size(), items.size() - 1);
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += sep;
        first = false;
        std::string text = to_str(attribute.empty() ? item : attribute_path(item, attribute));
        Budget::charge_bytes(text.size());
        out += text;
    }
    return Json(out);
}

Value f_first(Evaluator&, const Value& in, CallArgs&) {
    auto items = iterate(in);
    if (items.empty()) return Value::undefined("No first item, sequence was empty.");
    return in.borrowed() ? items.front() : Value(items.front().to_json());
}

Value f_last(Evaluator&, const Value& in, CallArgs&) {
    auto items = iterate(in);
    if (items.empty()) return Value::undefined("No last item, sequence was empty.");
    return in.borrowed() ? items.back() : Value(items.back().to_json());
}

// jinja2's do_random: one item of the sequence, chosen at random.
Value f_random(Evaluator&, const Value& in, CallArgs&) {
    auto items = iterate(in);
    if (items.empty()) return Value::undefined("No random item, sequence was empty.");
    thread_local std::mt19937_64 generator{std::random_device{}()};
    const Value& pick = items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(generator)];
    return in.borrowed() ? pick : Value(pick.to_json());
}

Json to_list(const std::vector<Value>& items) {
    Json out = Json::array();
    for (const auto& i : items) out.push_back(i.to_json());
    return out;
}

Value f_sort(Evaluator&, const Value& in, CallArgs& a) {
    a.check("sort", {"reverse", "case_sensitive", "attribute"});
    bool reverse = arg_bool(a, 0, "reverse", false), cs = arg_bool(a, 1, "case_sensitive", false);
    std::string attribute = arg_str(a, 2, "attribute", "");
    auto items = iterate(in);
    Budget::charge_steps(sort_steps(items.size()));
    std::vector<std::pair<Json, size_t>> keys;
    for (size_t i = 0; i < items.size(); ++i) keys.emplace_back(sort_key(items[i], attribute, cs), i);
    std::stable_sort(keys.begin(), keys.end(), [&](const auto& x, const auto& y) {
        return reverse ? py_less(y.first, x.first) : py_less(x.first, y.first);
    });
    Json out = Json::array();
    for (const auto& [k, i] : keys) out.push_back(items[i].to_json());
    return out;
}

Value f_unique(Evaluator&, const Value& in, CallArgs& a) {
    a.check("unique", {"case_sensitive", "attribute"});
    bool cs = arg_bool(a, 0, "case_sensitive", false);
    std::string attribute = arg_str(a, 1, "attribute", "");
    Json out = Json::array();
    std::vector<Json> seen;
    for (const auto& item : iterate(in)) {
        Json k = sort_key(item, attribute, cs);
        Budget::charge_steps(seen.size());
        bool dup = false;
        for (const auto& s : seen) dup = dup || py_equal(s, k);
        if (dup) continue;
        seen.push_back(k);
        out.push_back(item.to_json());
    }
    return out;
}

Value f_reverse(Evaluator&, const Value& in, CallArgs&) {
    if (in.to_json().is_string()) {
        auto cps = code_points(in.to_json().get<std::string>());
        std::string out;
        for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
        return Json(out);
    }
    auto items = iterate(in);
    std::reverse(items.begin(), items.end());
    return to_list(items);
}

Value f_list(Evaluator&, const Value& in, CallArgs&) { return to_list(iterate(in)); }

Value f_map(Evaluator& ev, const Value& in, CallArgs& a) {
    Json out = Json::array();
    auto items = iterate(in);
    std::string attribute;
    const Value* def = nullptr;
    for (const auto& [k, v] : a.named) {
        if (k == "attribute") attribute = to_str(v);
        if (k == "default") def = &v;
    }
    if (!attribute.empty()) {
        for (const auto& item : items) {
            Value v = attribute_path(item, attribute);
            if (v.is_undefined() && def) v = *def;
            out.push_back(v.to_json());
        }
        return out;
    }
    if (a.positional.empty()) throw EvalError("map() needs a filter name or attribute=");
    std::string filter = to_str(a.positional[0]);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.named = a.named;
    for (const auto& item : items) {
        CallArgs copy = rest;
        out.push_back(ev.apply_filter(filter, item, copy).to_json());
    }
    return out;
}

Json select_impl(Evaluator& ev, const Value& in, CallArgs& a, bool want, bool by_attribute) {
    Json out = Json::array();
    size_t next = 0;
    std::string attribute;
    if (by_attribute) {
        if (a.positional.empty()) throw EvalError("selectattr() needs an attribute name");
        attribute = to_str(a.positional[next++]);
    }
    std::string test = next < a.positional.size() ? to_str(a.positional[next++]) : "";
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + static_cast<long>(std::min(next, a.positional.size())),
                           a.positional.end());
    rest.named = a.named;
    for (const auto& item : iterate(in)) {
        Value subject = by_attribute ? attribute_path(item, attribute) : item;
        bool r;
        if (test.empty()) {
            r = truthy(subject);
        } else {
            CallArgs copy = rest;
            r = ev.apply_test(test, subject, copy);
        }
        if (r == want) out.push_back(item.to_json());
    }
    return out;
}

Value f_select(Evaluator& ev, const Value& in, CallArgs& a) { return select_impl(ev, in, a, true, false); }
Value f_reject(Evaluator& ev, const Value& in, CallArgs& a) { return select_impl(ev, in, a, false, false); }
Value f_selectattr(Evaluator& ev, const Value& in, CallArgs& a) { return select_impl(ev, in, a, true, true); }
Value f_rejectattr(Evaluator& ev, const Value& in, CallArgs& a) { return select_impl(ev, in, a, false, true); }

Value f_sum(Evaluator&, const Value& in, CallArgs& a) {
    a.check("sum", {"attribute", "start"});
    std::string attribute = arg_str(a, 0, "attribute", "");
    const Value* start = arg(a, 1, "start");
    Value total = start ? *start : Value(Json(0));
    for (const auto& item : iterate(in)) {
        total = binary_op("+", total, attribute.empty() ? item : attribute_path(item, attribute));
    }
    return total;
}

Value min_max(const Value& in, CallArgs& a, bool want_max, const char* name) {
    a.check(name, {"case_sensitive", "attribute"});
    bool cs = arg_bool(a, 0, "case_sensitive", false);
    std::string attribute = arg_str(a, 1, "attribute", "");
    auto items = iterate(in);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    size_t best = 0;
    Json best_key = sort_key(items[0], attribute, cs);
    for (size_t i = 1; i < items.size(); ++i) {
        Json k = sort_key(items[i], attribute, cs);
        if (want_max ? py_less(best_key, k) : py_less(k, best_key)) {
            best = i;
            best_key = std::move(k);
        }
    }
    return items[best].to_json();
}
Value f_min(Evaluator&, const Value& in, CallArgs& a) { return min_max(in, a, false, "min"); }
Value f_max(Evaluator&, const Value& in, CallArgs& a) { return min_max(in, a, true, "max"); }

Value f_abs(Evaluator&, const Value& in, CallArgs&) {
    const Json& j = in.to_json();
    if (j.is_number_integer() || j.is_boolean()) return Json(std::llabs(as_int(j)));
    if (j.is_number()) return Json(std::fabs(j.get<double>()));
    throw EvalError("bad operand type for abs(): '" + python_type(j) + "'");
}

Value f_round(Evaluator&, const Value& in, CallArgs& a) {
    a.check("round", {"precision", "method"});
    int64_t precision = arg_int(a, 0, "precision", 0);
    std::string method = arg_str(a, 1, "method", "common");
    const Json& j = in.to_json();
    if (!is_number(j)) throw EvalError("round() needs a number, got '" + python_type(j) + "'");
    if (method != "common" && method != "ceil" && method != "floor") {
        throw EvalError("method must be common, ceil or floor");
    }
    if (method == "common") {
        if (j.is_number_integer() || j.is_boolean()) return Json(as_int(j));
        // printf rounds the exact binary value half-to-even, as Python's round() does.
        char buf[512];
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::clamp<int64_t>(precision, 0, 300)),
                      j.get<double>());
        return Json(std::strtod(buf, nullptr));
    }
    double scale = std::pow(10.0, static_cast<double>(precision));
    double v = as_double(j) * scale;
    return Json((method == "ceil" ? std::ceil(v) : std::floor(v)) / scale);
}

Value f_int(Evaluator&, const Value& in, CallArgs& a) {
    a.check("int", {"default", "base"});
    int64_t def = arg_int(a, 0, "default", 0), base = arg_int(a, 1, "base", 10);
    const Json& j = in.to_json();
    if (j.is_boolean() || j.is_number_integer()) return Json(as_int(j));
    if (j.is_number_float()) {
        double d = std::trunc(j.get<double>());
        if (!std::isfinite(d) || std::fabs(d) > 9.0e18) throw EvalError("int() of an out-of-range float");
        return Json(static_cast<int64_t>(d));
    }
    if (j.is_string()) {
        std::string s = strip(j.get<std::string>(), "", true, true);
        std::string digits;
        for (char c : s) {
            if (c != '_') digits += c;
        }
        if (!digits.empty()) {
            char* end = nullptr;
            std::string body = digits;
            int b = static_cast<int>(base);
            if (b == 16 && (body.rfind("0x", 0) == 0 || body.rfind("0X", 0) == 0)) body = body.substr(2);
            if (b == 8 && (body.rfind("0o", 0) == 0 || body.rfind("0O", 0) == 0)) body = body.substr(2);
            if (b == 2 && (body.rfind("0b", 0) == 0 || body.rfind("0B", 0) == 0)) body = body.substr(2);
            long long v = std::strtoll(body.c_str(), &end, b);
            if (end && *end == '\0' && !body.empty()) return Json(static_cast<int64_t>(v));
            double d = std::strtod(digits.c_str(), &end);
            if (end && *end == '\0' && std::isfinite(d) && std::fabs(d) < 9.0e18) {
                return Json(static_cast<int64_t>(std::trunc(d)));
            }
        }
    }
    return Json(def);
}

Value f_float(Evaluator&, const Value& in, CallArgs& a) {
    a.check("float", {"default"});
    const Value* d = arg(a, 0, "default");
    const Json& j = in.to_json();
    if (is_number(j)) return Json(as_double(j));
    if (j.is_string()) {
        std::string s = strip(j.get<std::string>(), "", true, true);
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (!s.empty() && end && *end == '\0') return Json(v);
    }
    return d ? Value(Json(as_double(d->json()))) : Value(Json(0.0));
}

Value f_string(Evaluator&, const Value& in, CallArgs&) { return Json(to_str(in)); }

Value f_tojson(Evaluator&, const Value& in, CallArgs& a) {
    a.check("tojson", {"indent"});
    const Value* ind = arg(a, 0, "indent");
    int indent = (ind && is_number(ind->json())) ? static_cast<int>(as_int(ind->json())) : -1;
    std::string s = python_json_dumps(in.to_json(), indent, /*sort_keys=*/true);
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "\\u003c"; break;
        case '>': out += "\\u003e"; break;
        case '&': out += "\\u0026"; break;
        case '\'': out += "\\u0027"; break;
        default: out += c;
        }
    }
    return Json(out);
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(s.substr(start));
            break;
        }
        lines.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

Value f_indent(Evaluator&, const Value& in, CallArgs& a) {
    a.check("indent", {"width", "first", "blank"});
    const Value* w = arg(a, 0, "width");
    int64_t width = (w && w->json().is_string()) ? 0 : arg_int(a, 0, "width", 4);
    if (width > kMaxRequestedSize) throw EvalError("indent width too large");
    std::string pad = (w && w->json().is_string()) ? w->json().get<std::string>()
                                                   : std::string(static_cast<size_t>(std::max<int64_t>(width, 0)), ' ');
    bool first = arg_bool(a, 1, "first", false), blank = arg_bool(a, 2, "blank", false);
    std::string s = to_str(in) + "\n";
    auto lines = split_lines(s);
    Budget::charge_repeat(pad.size(), lines.size() + 1);
    Budget::charge_bytes(s.size());
    std::string rv;
    if (blank) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i) (rv += '\n') += pad;
            rv += lines[i];
        }
    } else if (!lines.empty()) {
        rv = lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            rv += '\n';
            if (!lines[i].empty()) (rv += pad) += lines[i];
        }
    }
    if (first) rv = pad + rv;
    return Json(rv);
}

Value f_truncate(Evaluator&, const Value& in, CallArgs& a) {
    a.check("truncate", {"length", "killwords", "end", "leeway"});
    int64_t length = arg_int(a, 0, "length", 255), leeway = arg_int(a, 3, "leeway", 5);
    bool killwords = arg_bool(a, 1, "killwords", false);
    std::string end = arg_str(a, 2, "end", "...");
    auto cps = code_points(to_str(in));
    int64_t n = static_cast<int64_t>(cps.size()), end_len = static_cast<int64_t>(code_points(end).size());
    if (length < end_len)
        throw EvalError("expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
    if (n <= length + leeway) return Json(to_str(in));
    std::string head;
    for (int64_t i = 0; i < length - end_len; ++i) head += cps[static_cast<size_t>(i)];
    if (killwords) return Json(head + end);
    size_t space = head.rfind(' ');
    if (space != std::string::npos) head = head.substr(0, space);
    return Json(head + end);
}

// Python's \w+ count: letters, digits, '_' and any non-ASCII character.
Value f_wordcount(Evaluator&, const Value& in, CallArgs&) {
    std::string s = to_str(in);
    Budget::charge_scan(s.size());
    int64_t words = 0;
    bool in_word = false;
    for (unsigned char c : s) {
        bool w = std::isalnum(c) || c == '_' || c >= 0x80;
        if (w && !in_word) ++words;
        in_word = w;
    }
    return Json(words);
}

Value f_format(Evaluator&, const Value& in, CallArgs& a) {
    if (!a.positional.empty() && !a.named.empty())
        throw EvalError("can't handle positional and keyword arguments at the same time");
    Json args;
    if (!a.named.empty()) {
        args = Json::object();
        for (const auto& [k, v] : a.named) args[k] = v.to_json();
    } else {
        args = Json::array();
        for (const auto& v : a.positional) args.push_back(v.to_json());
    }
    return Json(percent_format(to_str(in), Value(args)));
}

Value f_dictsort(Evaluator&, const Value& in, CallArgs& a) {
    a.check("dictsort", {"case_sensitive", "by", "reverse"});
    bool cs = arg_bool(a, 0, "case_sensitive", false), reverse = arg_bool(a, 2, "reverse", false);
    std::string by = arg_str(a, 1, "by", "key");
    if (by != "key" && by != "value") throw EvalError("You can only sort by either \"key\" or \"value\"");
    const Json& j = in.to_json();
    if (!j.is_object()) throw EvalError("dictsort() needs a mapping, got '" + python_type(j) + "'");
    std::vector<std::pair<std::string, Json>> items;
    for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), it.value());
    auto key = [&](const std::pair<std::string, Json>& p) {
        Json k = by == "key" ? Json(p.first) : p.second;
        if (!cs && k.is_string()) return Json(lower(k.get<std::string>()));
        return k;
    };
    Budget::charge_steps(sort_steps(items.size()));
    std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
        return reverse ? py_less(key(y), key(x)) : py_less(key(x), key(y));
    });
    Json out = Json::array();
    for (auto& [k, v] : items) {
        check_nestable(v, 2);
        Json pair = Json::array({k, std::move(v)});
        out.push_back(std::move(pair));
    }
    return out;
}

Value f_batch(Evaluator&, const Value& in, CallArgs& a) {
    a.check("batch", {"linecount", "fill_with"});
    int64_t n = arg_int(a, 0, "linecount", 0);
    const Value* fill = arg(a, 1, "fill_with");
    if (fill && !fill->json().is_null() && n > kMaxRequestedSize) throw EvalError("batch size too large to fill");
    if (fill && !fill->json().is_null() && n > 0) Budget::charge_repeat(Budget::kElementBytes, static_cast<size_t>(n));
    // jinja2's loop exactly: a batch is emitted before the item that would
    // overflow it (so a count <= 0 behaves as jinja2's does).
    Json out = Json::array(), cur = Json::array();
    for (const auto& item : iterate(in)) {
        if (static_cast<int64_t>(cur.size()) == n) {
            out.push_back(std::move(cur));
            cur = Json::array();
        }
        check_nestable(item.to_json(), 2);
        Budget::charge_bytes(2 * Budget::kElementBytes);  // the item, and its batch
        cur.push_back(item.to_json());
    }
    if (!cur.empty()) {
        if (fill && !fill->json().is_null()) {
            while (static_cast<int64_t>(cur.size()) < n) cur.push_back(fill->to_json());
        }
        out.push_back(std::move(cur));
    }
    return out;
}

Value f_items(Evaluator&, const Value& in, CallArgs&) {
    if (in.is_undefined()) return Json::array();
    const Json& j = in.to_json();
    if (!j.is_object()) throw EvalError("items() needs a mapping, got '" + python_type(j) + "'");
    Json out = Json::array();
    for (auto it = j.begin(); it != j.end(); ++it) {
        check_nestable(it.value(), 2);
        out.push_back(Json::array({it.key(), it.value()}));
    }
    return out;
}

// Attributes only, never items: a dict's keys are not attributes (jinja2).
Value f_attr(Evaluator&, const Value& in, CallArgs& a) {
    a.check("attr", {"name"});
    std::string name = arg_str(a, 0, "name", "");
    if (in.is_object()) return get_attribute(in, name);
    std::string why(1, '\'');
    why += type_name(in);
    why += "' has no attribute '";
    why += name;
    why += '\'';
    return Value::undefined(why);
}

}  // namespace

void register_jinja_filters(std::vector<std::pair<std::string_view, FilterFn>>& t) {
    t.insert(t.end(), {
                          {"default", {f_default}},
                          {"d", {f_default}},
                          {"length", {f_length}},
                          {"count", {f_length}},
                          {"upper", {f_upper}},
                          {"lower", {f_lower}},
                          {"title", {f_title}},
                          {"capitalize", {f_capitalize}},
                          {"trim", {f_trim}},
                          {"replace", {f_replace}},
                          {"join", {f_join}},
                          {"first", {f_first}},
                          {"last", {f_last}},
                          {"random", {f_random}},
                          {"sort", {f_sort}},
                          {"unique", {f_unique}},
                          {"reverse", {f_reverse}},
                          {"list", {f_list}},
                          {"map", {f_map}},
                          {"select", {f_select}},
                          {"reject", {f_reject}},
                          {"selectattr", {f_selectattr}},
                          {"rejectattr", {f_rejectattr}},
                          {"sum", {f_sum}},
                          {"min", {f_min}},
                          {"max", {f_max}},
                          {"abs", {f_abs}},
                          {"round", {f_round}},
                          {"int", {f_int}},
                          {"float", {f_float}},
                          {"string", {f_string}},
                          {"tojson", {f_tojson}},
                          {"indent", {f_indent}},
                          {"truncate", {f_truncate}},
                          {"wordcount", {f_wordcount}},
                          {"format", {f_format}},
                          {"dictsort", {f_dictsort}},
                          {"batch", {f_batch}},
                          {"items", {f_items}},
                          {"attr", {f_attr}},
                      });
}

}  // namespace packhost::expr

// YAQL's queries (standard_library/queries.py): the LINQ-like methods over
// collections, each taking its selectors and predicates as lambdas.
#include <algorithm>

#include "expr/yaql/library.hpp"

namespace packhost::expr::yaql::lib {
namespace {

Value where(Args& a) {
    a.expect_count(2, 2);
    std::vector<Value> out;
    for (auto& item : items_of(a.at(0), a)) {
        if (truthy(a.apply(1, item))) out.push_back(std::move(item));
    }
    return to_list(out);
}

Value select(Args& a) {
    a.expect_count(2, 2);
    std::vector<Value> out;
    for (auto& item : items_of(a.at(0), a)) out.push_back(a.apply(1, item));
    return to_list(out);
}

Value select_many(Args& a) {
    a.expect_count(1, 2);
    std::vector<Value> out;
    for (auto& item : items_of(a.at(0), a)) {
        Value part = a.size() > 1 ? a.apply(1, item) : item;
        if (!is_collection(part.to_json())) {
            out.push_back(std::move(part));
            continue;
        }
        for (auto& e : items_of(part, a)) out.push_back(Json(e.to_json()));
    }
    return to_list(out);
}

Value skip(Args& a) {
    a.expect_count(2, 2);
    auto items = items_of(a.at(0), a);
    int64_t n = std::max<int64_t>(0, int_at(a, 1));
    if (static_cast<size_t>(n) >= items.size()) return Json::array();
    return to_list(std::vector<Value>(items.begin() + n, items.end()));
}

Value limit(Args& a) {
    a.expect_count(2, 2);
    auto items = items_of(a.at(0), a);
    int64_t n = std::max<int64_t>(0, int_at(a, 1));
    if (static_cast<size_t>(n) < items.size()) items.resize(static_cast<size_t>(n));
    return to_list(items);
}

Value append(Args& a) {
    auto items = items_of(a.at(0), a);
    for (size_t i = 1; i < a.size(); ++i) items.push_back(a.at(i));
    return to_list(items);
}

Value distinct(Args& a) {
    a.expect_count(1, 2);
    std::vector<Value> out;
    std::vector<Json> keys;
    for (auto& item : items_of(a.at(0), a)) {
        Json key = a.size() > 1 ? a.apply(1, item).to_json() : item.to_json();
        Budget::charge_steps(keys.size());
        if (std::any_of(keys.begin(), keys.end(), [&](const Json& k) { return py_equal(k, key); })) continue;
        keys.push_back(std::move(key));
        out.push_back(std::move(item));
    }
    return to_list(out);
}

Value enumerate(Args& a) {
    a.expect_count(1, 2);
    int64_t start = a.size() > 1 ? int_at(a, 1) : 0;
    if (auto s = a.named("start")) start = as_int(s->to_json());
    Json out = Json::array();
    auto items = items_of(a.at(0), a);
    charge_items(items.size());
    for (auto& item : items) out.push_back(Json::array({start++, item.to_json()}));
    return out;
}

Value any(Args& a) {
    a.expect_count(1, 2);
    for (auto& item : items_of(a.at(0), a)) {
        if (truthy(a.size() > 1 ? a.apply(1, item) : item)) return Json(true);
    }
    return Json(false);
}

Value all(Args& a) {
    a.expect_count(1, 2);
    for (auto& item : items_of(a.at(0), a)) {
        if (!truthy(a.size() > 1 ? a.apply(1, item) : item)) return Json(false);
    }
    return Json(true);
}

Value count(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (!is_collection(j)) a.no_match();
    return Json(static_cast<int64_t>(j.size()));
}

Value sum(Args& a) {
    a.expect_count(1, 2);
    Value total = a.size() > 1 ? a.at(1) : Value(Json(0));
    Json acc = total.to_json();
    for (auto& item : items_of(a.at(0), a)) {
        const Json& x = item.to_json();
        if (!numeric(x) || !numeric(acc)) a.no_match();
        if (acc.is_number_float() || x.is_number_float()) {
            acc = as_double(acc) + as_double(x);
        } else {
            int64_t r;
            if (__builtin_add_overflow(as_int(acc), as_int(x), &r)) throw EvalError("integer overflow");
            acc = r;
        }
    }
    return acc;
}

// max()/min() of a collection (optionally by a selector), or of two values.
Value extreme(Args& a, bool want_max) {
    const Json& first = json_at(a, 0);
    if (a.size() == 2) {
        const Json& other = json_at(a, 1);
        bool b_wins = want_max ? py_less(first, other) : py_less(other, first);
        return b_wins ? a.at(1) : a.at(0);
    }
    a.expect_count(1, 1);
    auto items = items_of(a.at(0), a);
    if (items.empty())
        throw EvalError("ValueError: " + std::string(want_max ? "max" : "min") + "() arg is an empty sequence");
    size_t best = 0;
    Json best_key = items[0].to_json();
    for (size_t i = 1; i < items.size(); ++i) {
        Json key = items[i].to_json();
        if (want_max ? py_less(best_key, key) : py_less(key, best_key)) {
            best = i;
            best_key = std::move(key);
        }
    }
    return Json(items[best].to_json());
}
Value max(Args& a) { return extreme(a, true); }
Value min(Args& a) { return extreme(a, false); }

Value first(Args& a) {
    a.expect_count(1, 2);
    auto items = items_of(a.at(0), a);
    if (!items.empty()) return Json(items.front().to_json());
    if (a.size() > 1) return a.at(1);
    throw EvalError("StopIteration: the collection is empty");
}

Value last(Args& a) {
    a.expect_count(1, 2);
    auto items = items_of(a.at(0), a);
    if (!items.empty()) return Json(items.back().to_json());
    if (a.size() > 1) return a.at(1);
    throw EvalError("StopIteration: the collection is empty");
}

Value single(Args& a) {
    a.expect_count(1, 1);
    auto items = items_of(a.at(0), a);
    if (items.size() != 1)
        throw EvalError("StopIteration: the collection has " + std::to_string(items.size()) + " items, not one");
    return Json(items.front().to_json());
}

Value range(Args& a) {
    a.expect_count(1, 3);
    int64_t start = 0, stop = 0, step = 1;
    if (a.size() == 1) {
        stop = int_at(a, 0);
    } else {
        start = int_at(a, 0);
        stop = int_at(a, 1);
        if (a.size() > 2) step = int_at(a, 2);
    }
    if (step == 0) throw EvalError("ValueError: range() step must not be zero");
    __int128 span = step > 0 ? (__int128(stop) - start + step - 1) / step : (__int128(start) - stop - step - 1) / -step;
    size_t n = span > 0 ? static_cast<size_t>(std::min<__int128>(span, __int128(1) << 40)) : 0;
    charge_items(n);
    Json out = Json::array();
    for (size_t i = 0; i < n; ++i) out.push_back(start + static_cast<int64_t>(i) * step);
    return out;
}

Value order(Args& a, bool descending) {
    a.expect_count(2, 2);
    auto items = items_of(a.at(0), a);
    std::vector<std::pair<Json, size_t>> keys;
    for (size_t i = 0; i < items.size(); ++i) keys.emplace_back(a.apply(1, items[i]).to_json(), i);
    Budget::charge_steps(builtin::sort_steps(keys.size()));
    std::stable_sort(keys.begin(), keys.end(), [&](const auto& x, const auto& y) {
        return descending ? py_less(y.first, x.first) : py_less(x.first, y.first);
    });
    std::vector<Value> out;
    for (const auto& k : keys) out.push_back(items[k.second]);
    return to_list(out);
}
Value order_by(Args& a) { return order(a, false); }
Value order_by_descending(Args& a) { return order(a, true); }

Value group_by(Args& a) {
    a.expect_count(2, 4);
    std::vector<std::pair<Json, std::vector<Value>>> groups;
    for (auto& item : items_of(a.at(0), a)) {
        Json key = a.apply(1, item).to_json();
        Value value = a.size() > 2 && a.has(2) ? a.apply(2, item) : item;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return py_equal(g.first, key); });
        Budget::charge_steps(groups.size());
        if (it == groups.end()) {
            groups.emplace_back(std::move(key), std::vector<Value>{});
            it = groups.end() - 1;
        }
        it->second.push_back(Json(value.to_json()));
    }
    Json out = Json::array();
    for (auto& [key, values] : groups) {
        Json pair = Json::array({key, to_list(values)});
        if (a.size() > 3) {
            out.push_back(a.apply(3, Value(std::move(pair))).to_json());
        } else {
            out.push_back(std::move(pair));
        }
    }
    return out;
}

Value zip_items(Args& a, bool longest) {
    std::vector<std::vector<Value>> lists;
    size_t n = longest ? 0 : SIZE_MAX;
    for (size_t i = 0; i < a.size(); ++i) {
        lists.push_back(items_of(a.at(i), a));
        n = longest ? std::max(n, lists.back().size()) : std::min(n, lists.back().size());
    }
    Json fill = nullptr;
    if (longest) {
        if (auto d = a.named("default")) fill = d->to_json();
    }
    charge_items(n * lists.size());
    Json out = Json::array();
    for (size_t k = 0; k < n; ++k) {
        Json row = Json::array();
        for (const auto& l : lists) row.push_back(k < l.size() ? l[k].to_json() : fill);
        out.push_back(std::move(row));
    }
    return out;
}
Value zip(Args& a) { return zip_items(a, false); }
Value zip_longest(Args& a) { return zip_items(a, true); }

Value repeat(Args& a) {
    a.expect_count(1, 2);
    if (a.size() < 2) throw EvalError("repeat() without a count would never end");
    int64_t n = std::max<int64_t>(0, int_at(a, 1));
    Budget::charge_repeat(Budget::kElementBytes, static_cast<size_t>(n));
    Json out = Json::array();
    for (int64_t i = 0; i < n; ++i) out.push_back(json_at(a, 0));
    return out;
}

Value take_while(Args& a) {
    a.expect_count(2, 2);
    std::vector<Value> out;
    for (auto& item : items_of(a.at(0), a)) {
        if (!truthy(a.apply(1, item))) break;
        out.push_back(std::move(item));
    }
    return to_list(out);
}

Value skip_while(Args& a) {
    a.expect_count(2, 2);
    std::vector<Value> out;
    bool skipping = true;
    for (auto& item : items_of(a.at(0), a)) {
        if (skipping && truthy(a.apply(1, item))) continue;
        skipping = false;
        out.push_back(std::move(item));
    }
    return to_list(out);
}

Value index_where(Args& a, bool from_end) {
    a.expect_count(2, 2);
    auto items = items_of(a.at(0), a);
    int64_t found = -1;
    for (size_t i = 0; i < items.size(); ++i) {
        if (truthy(a.apply(1, items[i]))) {
            found = static_cast<int64_t>(i);
            if (!from_end) break;
        }
    }
    return Json(found);
}
Value index_where_first(Args& a) { return index_where(a, false); }
Value index_where_last(Args& a) { return index_where(a, true); }

Value aggregate(Args& a) {
    a.expect_count(2, 3);
    auto items = items_of(a.at(0), a);
    size_t i = 0;
    Value acc;
    if (a.size() > 2) {
        acc = a.at(2);
    } else {
        if (items.empty()) throw EvalError("TypeError: aggregate() of an empty collection with no initial value");
        acc = items[i++];
    }
    for (; i < items.size(); ++i) acc = Json(a.apply(1, acc, &items[i]).to_json());
    return acc;
}

Value reverse(Args& a) {
    a.expect_count(1, 1);
    auto items = items_of(a.at(0), a);
    std::reverse(items.begin(), items.end());
    return to_list(items);
}

// concat('a', 'b') joins strings; concat([1], [2]) collections.
Value concat_lists(Args& a) {
    if (a.size() > 0 && json_at(a, 0).is_string()) {
        std::string out;
        for (size_t i = 0; i < a.size(); ++i) {
            out += string_at(a, i);
            Budget::charge_bytes(out.size());
        }
        return Json(std::move(out));
    }
    std::vector<Value> out;
    for (size_t i = 0; i < a.size(); ++i) {
        for (auto& e : items_of(a.at(i), a)) out.push_back(std::move(e));
    }
    return to_list(out);
}

Value default_if_empty(Args& a) {
    a.expect_count(2, 2);
    const Json& j = json_at(a, 0);
    if (!is_collection(j)) a.no_match();
    return j.empty() ? a.at(1) : a.at(0);
}

Value memorize(Args& a) {
    a.expect_count(1, 1);
    return a.at(0);
}

void flatten_into(const Json& j, Json& out, int64_t depth) {
    for (const auto& e : j) {
        if (e.is_array() && depth != 0) {
            flatten_into(e, out, depth - 1);
        } else {
            Budget::charge_bytes(Budget::kElementBytes);
            out.push_back(e);
        }
    }
}

Value flatten(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (!j.is_array()) a.no_match();
    Json out = Json::array();
    flatten_into(j, out, -1);
    return out;
}

// Deep merge of dicts; lists are joined without repeating items.
Json merge_values(const Json& x, const Json& y) {
    if (x.is_object() && y.is_object()) {
        Json out = x;
        for (const auto& [k, v] : y.items()) out[k] = out.contains(k) ? merge_values(out[k], v) : v;
        return out;
    }
    if (x.is_array() && y.is_array()) {
        Json out = x;
        for (const auto& e : y) {
            if (std::none_of(out.begin(), out.end(), [&](const Json& o) { return py_equal(o, e); })) out.push_back(e);
        }
        return out;
    }
    return y;
}

Value merge_with(Args& a) {
    a.expect_count(2, 2);
    if (!json_at(a, 0).is_object() || !json_at(a, 1).is_object()) a.no_match();
    Budget::charge_bytes((json_at(a, 0).size() + json_at(a, 1).size()) * Budget::kElementBytes);
    return merge_values(json_at(a, 0), json_at(a, 1));
}

}  // namespace

void add_queries(Table& t) {
    t.insert(t.end(), {
                          {"where", where, true},
                          {"filter", where, true},
                          {"select", select, true},
                          {"map", select, true},
                          {"selectMany", select_many, true},
                          {"skip", skip, true},
                          {"limit", limit, true},
                          {"take", limit, true},
                          {"append", append, true},
                          {"distinct", distinct},
                          {"enumerate", enumerate},
                          {"any", any},
                          {"all", all},
                          {"count", count},
                          {"sum", sum, true},
                          {"max", max},
                          {"min", min},
                          {"first", first, true},
                          {"last", last, true},
                          {"single", single, true},
                          {"range", range},
                          {"orderBy", order_by, true},
                          {"orderByDescending", order_by_descending, true},
                          {"groupBy", group_by, true},
                          {"zip", zip, true},
                          {"zipLongest", zip_longest, true},
                          {"repeat", repeat, true},
                          {"takeWhile", take_while, true},
                          {"skipWhile", skip_while, true},
                          {"indexWhere", index_where_first, true},
                          {"lastIndexWhere", index_where_last, true},
                          {"aggregate", aggregate, true},
                          {"reduce", aggregate, true},
                          {"reverse", reverse, true},
                          {"concat", concat_lists},
                          {"defaultIfEmpty", default_if_empty, true},
                          {"memorize", memorize, true},
                          {"flatten", flatten, true},
                          {"mergeWith", merge_with, true},
                      });
}

}  // namespace packhost::expr::yaql::lib

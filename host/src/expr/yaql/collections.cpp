// YAQL's collections (standard_library/collections.py): building lists and
// dicts, reading and changing them (each change makes a new value), and
// set operations. Sets are lists without repeated items here: JSON has no
// set, and Orquesta hands YAQL's sets back as lists.
#include <algorithm>

#include "expr/yaql/library.hpp"

namespace packhost::expr::yaql::lib {
namespace {

std::string key_text(const Json& k) { return k.is_string() ? k.get<std::string>() : to_text(k); }

// The `key => value` arguments into `out`.
void put_mappings(Args& a, Json& out) {
    auto& in = a.interpreter();
    for (const Node* m : a.mappings()) {
        const Node& key = *m->kids[0];
        std::string k = key.kind == Node::Kind::keyword ? key.text : key_text(in.eval(key).to_json());
        out[k] = in.eval(*m->kids[1]).to_json();
    }
}

Value list(Args& a) {
    std::vector<Value> out;
    for (size_t i = 0; i < a.size(); ++i) out.push_back(a.at(i));
    return to_list(out);
}

Value to_list_fn(Args& a) {
    a.expect_count(1, 1);
    return to_list(items_of(a.at(0), a));
}

// dict(a => 1, b => 2), dict([[k, v], ...]), dict({...})
Value dict(Args& a) {
    Json out = Json::object();
    for (size_t i = 0; i < a.size(); ++i) {
        const Json& j = json_at(a, i);
        if (j.is_object()) {
            for (const auto& [k, v] : j.items()) out[k] = v;
            continue;
        }
        if (!j.is_array()) a.no_match();
        for (const auto& pair : j) {
            if (!pair.is_array() || pair.size() != 2) throw EvalError("dict(): each item must be a [key, value] pair");
            out[key_text(pair[0])] = pair[1];
        }
    }
    put_mappings(a, out);
    charge_items(out.size());
    return out;
}

Value to_dict(Args& a) {
    a.expect_count(2, 3);
    Json out = Json::object();
    for (auto& item : items_of(a.at(0), a)) {
        Json key = a.apply(1, item).to_json();
        out[key_text(key)] = a.size() > 2 ? a.apply(2, item).to_json() : item.to_json();
    }
    charge_items(out.size());
    return out;
}

const Json& dict_at(Args& a, size_t i) {
    const Json& j = json_at(a, i);
    if (!j.is_object()) a.no_match();
    return j;
}

Value get(Args& a) {
    a.expect_count(2, 3);
    const Json& d = dict_at(a, 0);
    const Json& k = json_at(a, 1);
    auto it = k.is_string() ? d.find(k.get_ref<const std::string&>()) : d.end();
    if (it == d.end()) return a.size() > 2 ? a.at(2) : Value(Json(nullptr));
    return a.at(0).borrowed() ? Value::borrow(*it) : Value(Json(*it));
}

// dict.set(key, value), dict.set({...}), dict.set(k => v); set(1, 2) builds a set.
Value set(Args& a) {
    bool dict_update = a.size() > 0 && json_at(a, 0).is_object() && (a.size() > 1 || !a.mappings().empty());
    if (!dict_update) {
        std::vector<Value> out;
        for (size_t i = 0; i < a.size(); ++i) {
            Value v = a.at(i);
            if (std::none_of(out.begin(), out.end(),
                             [&](const Value& o) { return py_equal(o.to_json(), v.to_json()); }))
                out.push_back(std::move(v));
        }
        return to_list(out);
    }
    Json out = json_at(a, 0);
    if (a.size() == 3) {
        out[key_text(json_at(a, 1))] = json_at(a, 2);
    } else if (a.size() == 2) {
        for (const auto& [k, v] : dict_at(a, 1).items()) out[k] = v;
    } else if (a.size() != 1) {
        a.no_match();
    }
    put_mappings(a, out);
    charge_items(out.size());
    return out;
}

Value keys(Args& a) {
    a.expect_count(1, 1);
    Json out = Json::array();
    const Json& d = dict_at(a, 0);
    charge_items(d.size());
    for (auto it = d.begin(); it != d.end(); ++it) out.push_back(it.key());
    return out;
}

Value values(Args& a) {
    a.expect_count(1, 1);
    Json out = Json::array();
    const Json& d = dict_at(a, 0);
    charge_items(d.size());
    for (const auto& v : d) out.push_back(v);
    return out;
}

Value items(Args& a) {
    a.expect_count(1, 1);
    Json out = Json::array();
    const Json& d = dict_at(a, 0);
    charge_items(d.size());
    for (auto it = d.begin(); it != d.end(); ++it) out.push_back(Json::array({it.key(), it.value()}));
    return out;
}

bool has_item(const Json& collection, const Json& x) {
    if (collection.is_object()) return x.is_string() && collection.contains(x.get_ref<const std::string&>());
    Budget::charge_steps(collection.size());
    return std::any_of(collection.begin(), collection.end(), [&](const Json& e) { return py_equal(e, x); });
}

Value contains(Args& a) {
    a.expect_count(2, 2);
    const Json& c = json_at(a, 0);
    if (!is_collection(c)) a.no_match();
    return Json(has_item(c, json_at(a, 1)));
}

Value contains_key(Args& a) {
    a.expect_count(2, 2);
    const Json& d = dict_at(a, 0);
    const Json& k = json_at(a, 1);
    return Json(k.is_string() && d.contains(k.get_ref<const std::string&>()));
}

Value contains_value(Args& a) {
    a.expect_count(2, 2);
    const Json& d = dict_at(a, 0);
    Budget::charge_steps(d.size());
    return Json(std::any_of(d.begin(), d.end(), [&](const Json& v) { return py_equal(v, json_at(a, 1)); }));
}

Value is_list(Args& a) {
    a.expect_count(1, 1);
    return Json(json_at(a, 0).is_array());
}

Value is_dict(Args& a) {
    a.expect_count(1, 1);
    return Json(json_at(a, 0).is_object());
}

Value len(Args& a) {
    a.expect_count(1, 1);
    const Json& j = json_at(a, 0);
    if (j.is_string()) return Json(static_cast<int64_t>(code_point_count(j.get_ref<const std::string&>())));
    if (!is_collection(j)) a.no_match();
    return Json(static_cast<int64_t>(j.size()));
}

// list.delete(position, count = 1); dict.delete(key, ...)
Value remove(Args& a) {
    const Json& j = json_at(a, 0);
    if (j.is_object()) {
        Json out = j;
        for (size_t i = 1; i < a.size(); ++i) {
            const Json& k = json_at(a, i);
            if (k.is_string()) out.erase(k.get<std::string>());
        }
        return out;
    }
    a.expect_count(2, 3);
    auto list = items_of(a.at(0), a);
    int64_t pos = int_at(a, 1), n = a.size() > 2 ? int_at(a, 2) : 1;
    int64_t size = static_cast<int64_t>(list.size());
    if (pos < 0) pos += size;
    pos = std::clamp<int64_t>(pos, 0, size);
    int64_t end = n < 0 ? size : std::min(size, pos + n);
    list.erase(list.begin() + pos, list.begin() + end);
    return to_list(list);
}

Value insert(Args& a) {
    a.expect_count(3, 3);
    auto list = items_of(a.at(0), a);
    int64_t pos = int_at(a, 1), size = static_cast<int64_t>(list.size());
    if (pos < 0) pos += size;
    pos = std::clamp<int64_t>(pos, 0, size);
    list.insert(list.begin() + pos, a.at(2));
    return to_list(list);
}

std::vector<Json> unique(const Json& j) {
    std::vector<Json> out;
    for (const auto& e : j) {
        Budget::charge_steps(out.size());
        if (std::none_of(out.begin(), out.end(), [&](const Json& o) { return py_equal(o, e); })) out.push_back(e);
    }
    return out;
}

Value to_set(Args& a) {
    a.expect_count(1, 1);
    Json j = to_list(items_of(a.at(0), a));
    Json out = Json::array();
    for (auto& e : unique(j)) out.push_back(std::move(e));
    return out;
}

enum class SetOp { union_, intersect, difference, symmetric };

Value set_op(Args& a, SetOp op) {
    a.expect_count(2, 2);
    Json x = to_list(items_of(a.at(0), a)), y = to_list(items_of(a.at(1), a));
    Json out = Json::array();
    auto add = [&](const Json& e) {
        if (!has_item(out, e)) out.push_back(e);
    };
    for (const auto& e : x) {
        bool in_y = has_item(y, e);
        if (op == SetOp::union_ || (op == SetOp::intersect && in_y) || (op != SetOp::intersect && !in_y)) add(e);
    }
    if (op == SetOp::union_ || op == SetOp::symmetric) {
        for (const auto& e : y) {
            if (op == SetOp::union_ || !has_item(x, e)) add(e);
        }
    }
    charge_items(out.size());
    return out;
}
Value union_(Args& a) { return set_op(a, SetOp::union_); }
Value intersect(Args& a) { return set_op(a, SetOp::intersect); }
Value difference(Args& a) { return set_op(a, SetOp::difference); }
Value symmetric_difference(Args& a) { return set_op(a, SetOp::symmetric); }

Value add(Args& a) {
    Json out = to_list(items_of(a.at(0), a));
    for (size_t i = 1; i < a.size(); ++i) {
        if (!has_item(out, json_at(a, i))) out.push_back(json_at(a, i));
    }
    return out;
}

Value remove_items(Args& a) {
    Json out = Json::array();
    for (auto& e : items_of(a.at(0), a)) {
        bool drop = false;
        for (size_t i = 1; i < a.size() && !drop; ++i) drop = py_equal(e.to_json(), json_at(a, i));
        if (!drop) out.push_back(e.to_json());
    }
    return out;
}

}  // namespace

void add_collections(Table& t) {
    t.insert(t.end(), {
                          {"list", list},
                          {"toList", to_list_fn, true},
                          {"dict", dict},
                          {"toDict", to_dict, true},
                          {"get", get, true},
                          {"set", set},
                          {"keys", keys, true},
                          {"values", values, true},
                          {"items", items, true},
                          {"contains", contains, true},
                          {"containsKey", contains_key, true},
                          {"containsValue", contains_value, true},
                          {"isList", is_list},
                          {"isDict", is_dict},
                          {"len", len},
                          {"delete", remove, true},
                          {"insert", insert, true},
                          {"toSet", to_set, true},
                          {"union", union_, true},
                          {"intersect", intersect, true},
                          {"difference", difference, true},
                          {"symmetricDifference", symmetric_difference, true},
                          {"add", add, true},
                          {"remove", remove_items, true},
                      });
}

}  // namespace packhost::expr::yaql::lib

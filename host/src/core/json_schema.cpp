#include "core/json_schema.hpp"

#include <cmath>
#include <stdexcept>

namespace packhost::core {
namespace {

using Node = JsonSchema::Node;

uint32_t type_bit(const std::string& name, const std::string& where) {
    if (name == "null") return JsonSchema::kNull;
    if (name == "boolean") return JsonSchema::kBoolean;
    if (name == "integer") return JsonSchema::kInteger;
    if (name == "number") return JsonSchema::kNumber;
    if (name == "string") return JsonSchema::kString;
    if (name == "array") return JsonSchema::kArray;
    if (name == "object") return JsonSchema::kObject;
    throw std::invalid_argument(where + ": unknown type '" + name + "'");
}

uint64_t count_keyword(const Json& s, const char* key, const std::string& where) {
    const auto& v = s.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < 0) {
        throw std::invalid_argument(where + ": '" + key + "' must be a non-negative integer");
    }
    return v.get<uint64_t>();
}

double number_keyword(const Json& s, const char* key, const std::string& where) {
    const auto& v = s.at(key);
    if (!v.is_number()) throw std::invalid_argument(where + ": '" + key + "' must be a number");
    return v.get<double>();
}

std::shared_ptr<const Node> compile_node(const Json& s, const std::string& where, bool closed) {
    if (!s.is_object()) throw std::invalid_argument(where + ": schema must be an object");
    auto n = std::make_shared<Node>();
    if (auto it = s.find("type"); it != s.end()) {
        if (it->is_string()) {
            n->types = type_bit(it->get<std::string>(), where);
        } else if (it->is_array()) {
            for (const auto& t : *it) {
                if (!t.is_string()) throw std::invalid_argument(where + ": 'type' entries must be strings");
                n->types |= type_bit(t.get<std::string>(), where);
            }
        } else {
            throw std::invalid_argument(where + ": 'type' must be a string or a list of strings");
        }
    }
    if (auto it = s.find("description"); it != s.end() && it->is_string()) {
        n->description = it->get<std::string>();
    }
    if (auto it = s.find("default"); it != s.end()) n->default_value = Json(*it);
    if (auto it = s.find("enum"); it != s.end()) {
        if (!it->is_array() || it->empty()) {
            throw std::invalid_argument(where + ": 'enum' must be a non-empty list");
        }
        n->enum_values.emplace();
        for (const auto& e : *it) n->enum_values->push_back(Json(e));
    }
    if (s.contains("minimum")) n->minimum = number_keyword(s, "minimum", where);
    if (s.contains("maximum")) n->maximum = number_keyword(s, "maximum", where);
    // Draft 4 spells exclusivity as a boolean next to minimum/maximum; later
    // drafts as a number of its own. Accept both.
    for (auto [key, bound, flag] : {std::tuple{"exclusiveMinimum", &n->minimum, &n->exclusive_minimum},
                                    std::tuple{"exclusiveMaximum", &n->maximum, &n->exclusive_maximum}}) {
        auto it = s.find(key);
        if (it == s.end()) continue;
        if (it->is_boolean()) {
            *flag = it->get<bool>();
        } else if (it->is_number()) {
            *bound = it->get<double>();
            *flag = true;
        } else {
            throw std::invalid_argument(where + ": '" + key + "' must be a boolean or a number");
        }
    }
    if (s.contains("minLength")) n->min_length = count_keyword(s, "minLength", where);
    if (s.contains("maxLength")) n->max_length = count_keyword(s, "maxLength", where);
    if (s.contains("minItems")) n->min_items = count_keyword(s, "minItems", where);
    if (s.contains("maxItems")) n->max_items = count_keyword(s, "maxItems", where);
    if (auto it = s.find("pattern"); it != s.end()) {
        if (!it->is_string()) throw std::invalid_argument(where + ": 'pattern' must be a string");
        n->pattern_text = it->get<std::string>();
        try {
            n->pattern = Regex::compile(n->pattern_text);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where + ": " + e.what());
        }
    }
    if (auto it = s.find("items"); it != s.end()) {
        n->items = compile_node(*it, where + ".items", false);
    }
    if (auto it = s.find("properties"); it != s.end()) {
        if (!it->is_object()) throw std::invalid_argument(where + ": 'properties' must be an object");
        for (const auto& [name, sub] : it->items()) {
            auto child = compile_node(sub, where + ".properties." + name, false);
            // StackStorm marks required-ness on the property itself.
            if (auto r = sub.find("required"); r != sub.end() && r->is_boolean() && r->get<bool>()) {
                n->required.push_back(name);
            }
            n->properties.emplace_back(name, std::move(child));
        }
    }
    if (auto it = s.find("required"); it != s.end() && it->is_array()) {
        for (const auto& r : *it) {
            if (!r.is_string()) throw std::invalid_argument(where + ": 'required' entries must be strings");
            std::string name = r.get<std::string>();
            if (!n->is_required(name)) n->required.push_back(name);
        }
    } else if (it != s.end() && !it->is_boolean()) {
        throw std::invalid_argument(where + ": 'required' must be a list of names or a boolean");
    }
    if (auto it = s.find("additionalProperties"); it != s.end()) {
        if (it->is_boolean()) {
            n->additional_allowed = it->get<bool>();
        } else if (it->is_object()) {
            n->additional = compile_node(*it, where + ".additionalProperties", false);
        } else {
            throw std::invalid_argument(where + ": 'additionalProperties' must be a boolean or a schema");
        }
    } else if (closed) {
        n->additional_allowed = false;
    }
    if (auto it = s.find("secret"); it != s.end() && it->is_boolean()) n->secret = it->get<bool>();
    if (auto it = s.find("immutable"); it != s.end() && it->is_boolean()) n->immutable = it->get<bool>();
    if (auto it = s.find("position"); it != s.end()) {
        if (!it->is_number_integer() || it->get<int64_t>() < 0) {
            throw std::invalid_argument(where + ": 'position' must be a non-negative integer");
        }
        n->position = it->get<int>();
    }
    return n;
}

uint32_t value_type(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null: return JsonSchema::kNull;
    case Json::value_t::boolean: return JsonSchema::kBoolean;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return JsonSchema::kInteger | JsonSchema::kNumber;
    case Json::value_t::number_float: return JsonSchema::kNumber;
    case Json::value_t::string: return JsonSchema::kString;
    case Json::value_t::array: return JsonSchema::kArray;
    case Json::value_t::object: return JsonSchema::kObject;
    default: return 0;
    }
}

std::string shown(const Json& v, const Node& n) {
    if (n.secret) return kSecretMask;
    std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

std::string fmt_number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    std::string s = std::to_string(d);
    while (!s.empty() && s.back() == '0') s.pop_back();
    return s;
}

// UTF-8 code points, which is what JSON Schema's lengths count.
size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string subject(const std::string& noun, const std::string& path) {
    return path.empty() ? "the value" : noun + " '" + path + "'";
}

void check(const Node& n, Json& v, const std::string& noun, const std::string& path, std::vector<std::string>& out) {
    const std::string who = subject(noun, path);
    uint32_t vt = value_type(v);
    if (n.types != 0 && (n.types & vt) == 0) {
        // 5.0 is an integer to JSON Schema; store it as one.
        if ((n.types & JsonSchema::kInteger) && v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
            std::fabs(v.get<double>()) < 9e15) {
            v = static_cast<int64_t>(v.get<double>());
        } else {
            out.push_back(who + " must be " + JsonSchema::type_names(n.types) + ", got " + shown(v, n));
            return;
        }
    }
    if (n.enum_values) {
        bool found = false;
        for (const auto& e : *n.enum_values) {
            if (e == v) {
                found = true;
                break;
            }
        }
        if (!found) {
            std::string choices;
            for (const auto& e : *n.enum_values) {
                if (!choices.empty()) choices += ", ";
                choices += e.dump();
            }
            out.push_back(who + " must be one of " + choices + "; got " + shown(v, n));
            return;
        }
    }
    if (v.is_number()) {
        double d = v.get<double>();
        if (n.minimum && (n.exclusive_minimum ? d <= *n.minimum : d < *n.minimum)) {
            out.push_back(who + " must be " + (n.exclusive_minimum ? "> " : ">= ") + fmt_number(*n.minimum) + ", got " +
                          shown(v, n));
        }
        if (n.maximum && (n.exclusive_maximum ? d >= *n.maximum : d > *n.maximum)) {
            out.push_back(who + " must be " + (n.exclusive_maximum ? "< " : "<= ") + fmt_number(*n.maximum) + ", got " +
                          shown(v, n));
        }
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        size_t len = (n.min_length || n.max_length) ? utf8_length(s) : 0;
        if (n.min_length && len < *n.min_length) {
            out.push_back(who + " must be at least " + std::to_string(*n.min_length) + " characters long, got " +
                          std::to_string(len));
        }
        if (n.max_length && len > *n.max_length) {
            out.push_back(who + " must be at most " + std::to_string(*n.max_length) + " characters long, got " +
                          std::to_string(len));
        }
        if (n.pattern && !n.pattern->search(s)) {
            out.push_back(who + " must match pattern '" + n.pattern_text + "', got " + shown(v, n));
        }
    } else if (v.is_array()) {
        if (n.min_items && v.size() < *n.min_items) {
            out.push_back(who + " must have at least " + std::to_string(*n.min_items) + " items, got " +
                          std::to_string(v.size()));
        }
        if (n.max_items && v.size() > *n.max_items) {
            out.push_back(who + " must have at most " + std::to_string(*n.max_items) + " items, got " +
                          std::to_string(v.size()));
        }
        if (n.items) {
            for (size_t i = 0; i < v.size(); ++i) {
                check(*n.items, v[i], noun, path + "[" + std::to_string(i) + "]", out);
            }
        }
    } else if (v.is_object()) {
        for (const auto& [name, child] : n.properties) {
            auto it = v.find(name);
            if (it == v.end()) {
                if (child->default_value) v[name] = *child->default_value;
                continue;
            }
            check(*child, *it, noun, path.empty() ? name : path + "." + name, out);
        }
        for (const auto& name : n.required) {
            if (!v.contains(name)) {
                out.push_back(subject(noun, path.empty() ? name : path + "." + name) + " is required");
            }
        }
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (n.property(it.key()) != nullptr) continue;
            std::string child_path = path.empty() ? it.key() : path + "." + it.key();
            if (n.additional) {
                check(*n.additional, it.value(), noun, child_path, out);
            } else if (!n.additional_allowed) {
                if (path.empty()) {
                    out.push_back("unknown " + noun + " '" + it.key() + "'");
                } else {
                    out.push_back(who + " has no property '" + it.key() + "'");
                }
            }
        }
    }
}

bool any_secret(const Node& n) {
    if (n.secret) return true;
    if (n.items && any_secret(*n.items)) return true;
    if (n.additional && any_secret(*n.additional)) return true;
    for (const auto& [name, child] : n.properties) {
        if (any_secret(*child)) return true;
    }
    return false;
}

void mask(const Node& n, Json& v) {
    if (n.secret) {
        v = kSecretMask;
        return;
    }
    if (v.is_array() && n.items) {
        for (auto& item : v) mask(*n.items, item);
    } else if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (const Node* child = n.property(it.key())) {
                mask(*child, it.value());
            } else if (n.additional) {
                mask(*n.additional, it.value());
            }
        }
    }
}

}  // namespace

const Node* JsonSchema::Node::property(const std::string& name) const {
    for (const auto& [k, v] : properties) {
        if (k == name) return v.get();
    }
    return nullptr;
}

bool JsonSchema::Node::is_required(const std::string& name) const {
    for (const auto& r : required) {
        if (r == name) return true;
    }
    return false;
}

JsonSchema JsonSchema::compile(const Json& schema, const std::string& where, bool closed_root) {
    JsonSchema s;
    s.root_ = compile_node(schema, where, closed_root);
    s.has_secrets_ = any_secret(*s.root_);
    return s;
}

void JsonSchema::validate(Json& value, const std::string& noun, std::vector<std::string>& problems) const {
    if (root_) check(*root_, value, noun, "", problems);
}

Json JsonSchema::masked(const Json& value) const {
    Json copy = value;
    if (root_ && has_secrets_) mask(*root_, copy);
    return copy;
}

std::string JsonSchema::type_names(uint32_t types) {
    static const std::pair<uint32_t, const char*> names[] = {
        {kInteger, "an integer"}, {kNumber, "a number"},  {kString, "a string"}, {kBoolean, "a boolean"},
        {kArray, "an array"},     {kObject, "an object"}, {kNull, "null"}};
    std::string out;
    int count = 0;
    for (auto [bit, name] : names) {
        if (types & bit) ++count;
    }
    int seen = 0;
    for (auto [bit, name] : names) {
        if (!(types & bit)) continue;
        ++seen;
        if (!out.empty()) out += (seen == count) ? " or " : ", ";
        out += name;
    }
    return out.empty() ? "any value" : out;
}

}  // namespace packhost::core

#include "events/rules/criteria.hpp"

#include <optional>

#include <algorithm>
#include <stdexcept>

#include "core/errors.hpp"
#include "expr/jsonpath.hpp"
#include "expr/template.hpp"

namespace packhost::events::rules {
namespace {

constexpr const char* kConditions[] = {"any", "all", "any2any", "all2any"};

std::string allowed_operators() {
    std::string out;
    for (const auto& n : operator_names()) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// `trigger.commit.tags#1` -> `trigger.commit.tags`: the tag only makes the
// YAML key unique.
std::string without_tag(const std::string& key) {
    size_t hash = key.rfind('#');
    if (hash == std::string::npos || hash == 0) return key;
    std::string_view tag(key.c_str() + hash + 1);
    bool plain = !tag.empty() && std::all_of(tag.begin(), tag.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    return plain ? key.substr(0, hash) : key;
}

// `a.b['c d'].e` as its keys; empty when the path holds anything else.
std::vector<std::string> plain_keys(const std::string& path) {
    std::vector<std::string> keys;
    size_t i = 0;
    auto ident = [&](size_t at) {
        size_t j = at;
        while (j < path.size() &&
               (std::isalnum(static_cast<unsigned char>(path[j])) || path[j] == '_' || path[j] == '-'))
            ++j;
        return j;
    };
    while (i < path.size()) {
        if (path[i] == '[') {
            if (i + 1 >= path.size() || (path[i + 1] != '\'' && path[i + 1] != '"')) return {};
            char quote = path[i + 1];
            size_t end = path.find(quote, i + 2);
            if (end == std::string::npos || end + 1 >= path.size() || path[end + 1] != ']') return {};
            std::string key = path.substr(i + 2, end - i - 2);
            if (key.find('\\') != std::string::npos) return {};
            keys.push_back(std::move(key));
            i = end + 2;
        } else {
            if (!keys.empty()) {
                if (path[i] != '.') return {};
                ++i;
            }
            size_t end = ident(i);
            if (end == i) return {};
            std::string key = path.substr(i, end - i);
            if (std::isdigit(static_cast<unsigned char>(key[0]))) return {};
            keys.push_back(std::move(key));
            i = end;
        }
    }
    return keys;
}

void parse_into(const Json& criteria, const std::string& where, std::vector<Criterion>& out,
                std::vector<std::string>& problems) {
    if (criteria.is_null()) return;
    if (!criteria.is_object()) {
        problems.push_back(where + ": must be a mapping of payload keys to {type, pattern}");
        return;
    }
    for (const auto& [key, spec] : criteria.items()) {
        std::string at = where + "." + key;
        Criterion c;
        c.key = key;
        c.path = without_tag(key);
        c.keys = plain_keys(c.path);
        try {
            expr::jsonpath_find(Json::object(), c.path);
        } catch (const std::exception& e) {
            problems.push_back(at + ": not a payload path: " + e.what());
            continue;
        }
        if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) {
            problems.push_back(at + ": must be {type: OPERATOR, pattern: VALUE}");
            continue;
        }
        c.type = spec["type"].get<std::string>();
        c.pattern = spec.value("pattern", Json());
        c.templated = c.pattern.is_string() && expr::is_template(c.pattern.get_ref<const std::string&>());
        std::string lowered = c.type;
        for (auto& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lowered == "search") {
            c.condition = spec.value("condition", "");
            if (std::find(std::begin(kConditions), std::end(kConditions), c.condition) == std::end(kConditions)) {
                problems.push_back(at + ".condition: '" + c.condition +
                                   "' is not a search condition (any, all, any2any, all2any)");
                continue;
            }
            if (!c.pattern.is_object() || c.pattern.empty()) {
                problems.push_back(at + ".pattern: a search needs child criteria on item.… keys");
                continue;
            }
            parse_into(c.pattern, at + ".pattern", c.children, problems);
            c.templated = false;
        } else {
            c.op = find_operator(c.type);
            if (!c.op) {
                problems.push_back(at + ".type: unknown operator '" + c.type + "' (one of: " + allowed_operators() +
                                   ")");
                continue;
            }
        }
        out.push_back(std::move(c));
    }
}

struct Evaluation {
    const PatternRenderer& render;
    int64_t now_us;
    std::string error;
    // Set when evaluating against a payload alone: `trigger.…` keys walk it
    // directly, and {"trigger": payload} is made only if a pattern must be
    // rendered or a key needs the JSONPath engine.
    const Json* payload = nullptr;
    std::optional<Json> made;

    const Json& top(const Json& context) {
        if (!payload) return context;
        if (!made) made = Json{{"trigger", *payload}};
        return *made;
    }

    // What the key finds: walked directly for plain keys (most criteria),
    // else through the JSONPath engine (its first match). Inside a search
    // `item` is the item itself, not a copy of it in a context of its own.
    const Json* lookup(const Criterion& c, const Json& context, const Json* item, Json& holder) {
        if (!c.keys.empty()) {
            const Json* node = &context;
            size_t first = 0;
            if (item) {
                if (c.keys[0] != "item") return nullptr;
                node = item;
                first = 1;
            } else if (payload) {
                if (c.keys[0] != "trigger") return nullptr;
                node = payload;
                first = 1;
            }
            for (size_t i = first; i < c.keys.size(); ++i) {
                if (!node->is_object()) return nullptr;
                auto it = node->find(c.keys[i]);
                if (it == node->end()) return nullptr;
                node = &*it;
            }
            return node;
        }
        auto found = expr::jsonpath_find(item ? item_context(*item) : top(context), c.path);
        if (found.empty()) return nullptr;
        holder = std::move(found.front());
        return &holder;
    }

    static Json item_context(const Json& item) {
        Json context = Json::object();
        context["item"] = item;
        return context;
    }

    bool holds(const Criterion& c, const Json& context, const Json* item = nullptr) {
        static const Json kNull;
        Json holder;
        const Json* found = nullptr;
        try {
            found = lookup(c, context, item, holder);
        } catch (const std::exception&) {
            return false;
        }
        const Json& value = found ? *found : kNull;
        if (!c.op) return search(c, value);
        if (!c.templated) return c.op(value, c.pattern, now_us);
        Json pattern;
        try {
            pattern = render(c.pattern.get_ref<const std::string&>(), item ? item_context(*item) : top(context));
        } catch (const std::exception& e) {
            if (error.empty()) {
                error = "Failed to render pattern value \"" + c.pattern.get<std::string>() + "\" for key \"" + c.key +
                        "\": " + e.what();
            }
            return false;
        }
        return c.op(value, pattern, now_us);
    }

    // Each item of a list (a mapping is one item) against the child
    // criteria, which see it as `item`.
    bool search(const Criterion& c, const Json& value) {
        if (!value.is_array() && !value.is_object()) return false;
        bool every_item = c.condition == "all" || c.condition == "all2any";
        bool every_child = c.condition == "any" || c.condition == "all";
        static const Json kNoContext = Json::object();
        auto item_matches = [&](const Json& item) {
            for (const auto& child : c.children) {
                bool ok = holds(child, kNoContext, &item);
                if (every_child && !ok) return false;
                if (!every_child && ok) return true;
            }
            return every_child;
        };
        if (value.is_object()) return item_matches(value);
        for (const auto& item : value) {
            bool ok = item_matches(item);
            if (every_item && !ok) return false;
            if (!every_item && ok) return true;
        }
        return every_item;
    }
};

}  // namespace

Criteria Criteria::parse(const Json& criteria, const std::string& where) {
    Criteria out;
    std::vector<std::string> problems;
    parse_into(criteria, where, out.list_, problems);
    if (!problems.empty()) throw core::ValidationError(problems);
    return out;
}

CriteriaResult Criteria::evaluate(const Json& context, const PatternRenderer& render, int64_t now_us) const {
    Evaluation ev{render, now_us, {}, nullptr, std::nullopt};
    return run(ev, context);
}

CriteriaResult Criteria::evaluate_payload(const Json& payload, const PatternRenderer& render, int64_t now_us) const {
    Evaluation ev{render, now_us, {}, &payload, std::nullopt};
    static const Json kUnused = Json::object();
    return run(ev, kUnused);
}

template <typename Ev>
CriteriaResult Criteria::run(Ev& ev, const Json& context) const {
    CriteriaResult out;
    for (const auto& c : list_) {
        if (!ev.holds(c, context)) {
            out.matched = false;
            out.failed = c.key;
            out.error = std::move(ev.error);
            return out;
        }
    }
    return out;
}

}  // namespace packhost::events::rules

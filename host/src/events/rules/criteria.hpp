#pragma once
// A rule's criteria, StackStorm's format: keys are paths into
// {"trigger": payload} (python-jsonpath-rw syntax, `trigger.body.x`,
// `trigger.headers['X-Y']`), an optional `#tag` suffix telling apart two
// criteria on one key; values are {type, pattern} or, for `search`,
// {type: search, condition: any|all|any2any|all2any, pattern: {item.…}}.
// All criteria must hold. Checked once when the rule is read (unknown
// operators, malformed keys and patterns are errors naming the key);
// evaluated for each trigger instance, with StackStorm's forgiving
// semantics (a criterion that cannot be evaluated is false).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "events/rules/operators.hpp"

namespace packhost::events::rules {

struct Criterion {
    std::string key;   // as written, `#tag` included
    std::string path;  // the key without its tag
    // The path as plain keys (`trigger.body['X-Y'].n` -> trigger, body, X-Y,
    // n) when it is only that, walked without the JSONPath engine; empty
    // for anything richer (indexes, wildcards, slices).
    std::vector<std::string> keys;
    std::string type;       // the operator's name as written
    Operator op = nullptr;  // null for search
    Json pattern;           // as written (rendered per trigger instance when a string with {{ }})
    bool templated = false;
    std::string condition;            // search only
    std::vector<Criterion> children;  // search only, keys under `item.`
};

// Renders a pattern that holds template syntax with `context`'s names
// ({"trigger": payload}, or {"item": …} inside a search) and whatever the
// caller adds (st2kv). A pattern that is exactly one `{{ … }}` renders to a
// typed value, any other to text. Throws what rendering throws.
using PatternRenderer = std::function<Json(const std::string& pattern, const Json& context)>;

struct CriteriaResult {
    bool matched = true;
    std::string failed;  // the key of the first criterion that did not hold
    std::string error;   // why, when it could not be evaluated (a pattern that failed to render)
};

class Criteria {
public:
    Criteria() = default;
    // Throws core::ValidationError naming `where` and the key for each
    // problem (an unknown operator, a malformed key, a search without its
    // condition or child criteria).
    static Criteria parse(const Json& criteria, const std::string& where);

    // Against `context`, {"trigger": payload}; `now_us` for timediff_*.
    CriteriaResult evaluate(const Json& context, const PatternRenderer& render, int64_t now_us) const;
    // The same against the payload alone (the rules engine: no context is
    // made unless a pattern has to be rendered).
    CriteriaResult evaluate_payload(const Json& payload, const PatternRenderer& render, int64_t now_us) const;

    const std::vector<Criterion>& list() const { return list_; }
    bool empty() const { return list_.empty(); }

private:
    template <typename Ev>
    CriteriaResult run(Ev& ev, const Json& context) const;
    std::vector<Criterion> list_;
};

}  // namespace packhost::events::rules

#pragma once
// Comparing results with those Python gave (jinja2's, YAQL's case tables).
#include "core/json_value.hpp"

namespace packhost::testing {

// Equal as Python values of the same type: 1 and 1.0 differ, as in Python's results.
inline bool same_python_value(const Json& a, const Json& b) {
    if (a.is_number_float() != b.is_number_float()) return false;
    if (a.is_number() && b.is_number()) return a.is_number_float() ? a.get<double>() == b.get<double>() : a == b;
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!same_python_value(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto o = b.find(it.key());
            if (o == b.end() || !same_python_value(it.value(), *o)) return false;
        }
        return true;
    }
    return a == b;
}

}  // namespace packhost::testing

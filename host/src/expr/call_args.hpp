#pragma once
// Arguments of a filter, test, method or function call, with Python's rules
// for taking them by position or by name.
#include <string>
#include <utility>
#include <vector>

#include "expr/value.hpp"

namespace packhost::expr {

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;

    // The argument at `index` or named `name`; nullptr when absent.
    const Value* get(size_t index, std::string_view name) const {
        if (index < positional.size()) return &positional[index];
        for (const auto& [k, v] : named) {
            if (k == name) return &v;
        }
        return nullptr;
    }
    // Throws EvalError when the call passes more than `names` allows or a
    // name the callee does not take.
    void check(const char* callee, std::initializer_list<const char*> names) const {
        if (positional.size() > names.size()) {
            throw EvalError(std::string(callee) + "() takes at most " + std::to_string(names.size()) +
                            " argument(s), got " + std::to_string(positional.size()));
        }
        for (const auto& [k, v] : named) {
            bool known = false;
            for (const char* n : names) known |= (k == n);
            if (!known) throw EvalError(std::string(callee) + "() got an unexpected keyword argument '" + k + "'");
        }
    }
};

}  // namespace packhost::expr

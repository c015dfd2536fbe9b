#pragma once
#include <string>

#include "expr/value.hpp"

namespace packhost::expr {

// A value that is encrypted text in templates until `| decrypt_kv` opens it
// (StackStorm's secret datastore values).
class SecretText : public Object {
public:
    std::string type_name() const override { return "secret"; }
    virtual std::string decrypt() const = 0;
};

}  // namespace packhost::expr

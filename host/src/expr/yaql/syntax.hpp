#pragma once
// YAQL's compiled form: a tree built once per expression by the parser
// (parser.hpp) and walked by the interpreter (interpreter.hpp).
//
// The grammar is YAQL 1.x's (openstack/yaql, language/factory.py): operators
// from the tightest to the loosest
//   .  ?.      member, method call, null-safe member
//   [ ]  { }   indexer, list and map literals
//   + -        unary
//   =~ !~      regular-expression match
//   * / mod
//   + -
//   > < >= <= != = in
//   not
//   and
//   or
//   ->         evaluate the right side with $ set to the left (right-associative)
// and `name => value` for named arguments and map entries.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/json_value.hpp"

namespace packhost::expr::yaql {

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
    enum class Kind : uint8_t {
        constant,  // a literal: number, 'string', "string", `string`, true, false, null
        keyword,   // a bare word: the string itself (`$.name`, `ctx(hosts)`, `{a => 1}`)
        dollar,    // $ or $name: a variable of the current scope
        call,      // name(args) or receiver.name(args) (receiver = args[0], method = true)
        member,    // left.right, left?.right (null_safe)
        index,     // left[args]
        list,      // [items]
        map,       // {key => value, ...}
        unary,     // op operand
        binary,    // left op right
        chain,     // left -> right
        mapping,   // name => value (inside calls and maps only)
    };

    Node(Kind k, size_t off) : kind(k), offset(off) {}

    Kind kind;
    size_t offset;           // where it starts in the expression, for error messages
    std::string text;        // keyword, variable (without $), function name or operator
    Json value;              // constant
    bool method = false;     // call: receiver.name(...)
    bool null_safe = false;  // member: ?.
    std::vector<NodePtr> kids;
};

}  // namespace packhost::expr::yaql

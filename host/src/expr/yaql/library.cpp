#include "expr/yaql/library.hpp"

#include <unordered_map>

namespace packhost::expr::yaql {
namespace {

struct Found {
    Function fn;
    bool method_only;
};

const std::unordered_map<std::string_view, Found>& table() {
    static const auto t = [] {
        lib::Table entries;
        lib::add_queries(entries);
        lib::add_collections(entries);
        lib::add_strings(entries);
        lib::add_values(entries);
        std::unordered_map<std::string_view, Found> by_name;
        for (const auto& e : entries) by_name.emplace(e.name, Found{e.fn, e.method_only});
        return by_name;
    }();
    return t;
}

}  // namespace

Function find_function(std::string_view name, bool as_method) {
    auto it = table().find(name);
    if (it == table().end() || (it->second.method_only && !as_method)) return nullptr;
    return it->second.fn;
}

}  // namespace packhost::expr::yaql

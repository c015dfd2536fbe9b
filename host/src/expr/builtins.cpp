#include "expr/builtins.hpp"

#include <unordered_map>
#include <utility>
#include <vector>

namespace packhost::expr {

void register_jinja_filters(std::vector<std::pair<std::string_view, FilterFn>>& t);
void register_st2_filters(std::vector<std::pair<std::string_view, FilterFn>>& t);
void register_jinja_tests(std::vector<std::pair<std::string_view, TestFn>>& t);

namespace {

template <class Fn>
std::unordered_map<std::string_view, Fn> index(std::vector<std::pair<std::string_view, Fn>> table) {
    return {table.begin(), table.end()};
}

const std::unordered_map<std::string_view, FilterFn>& filters() {
    static const auto table = [] {
        std::vector<std::pair<std::string_view, FilterFn>> t;
        register_jinja_filters(t);
        register_st2_filters(t);
        return index(std::move(t));
    }();
    return table;
}

const std::unordered_map<std::string_view, TestFn>& tests() {
    static const auto table = [] {
        std::vector<std::pair<std::string_view, TestFn>> t;
        register_jinja_tests(t);
        return index(std::move(t));
    }();
    return table;
}

}  // namespace

const FilterFn* find_filter(std::string_view name) {
    auto it = filters().find(name);
    return it == filters().end() ? nullptr : &it->second;
}

const TestFn* find_test(std::string_view name) {
    auto it = tests().find(name);
    return it == tests().end() ? nullptr : &it->second;
}

}  // namespace packhost::expr

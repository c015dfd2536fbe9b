#pragma once
// An ActionChain definition: a list of tasks linked by on-success and
// on-failure, parsed and checked once, with the lines they came from.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "expr/template.hpp"
#include "workflows/problems.hpp"

namespace packhost::workflows::action_chain {

struct Task {
    std::string name;
    size_t line = 0;
    std::string ref;
    Json parameters = Json::object();
    std::string on_success, on_failure;  // empty: the chain ends
    std::vector<std::pair<std::string, Json>> publish;
};

struct Chain {
    std::string file;
    std::vector<std::pair<std::string, Json>> vars;
    std::vector<Task> tasks;
    std::map<std::string, size_t, std::less<>> by_name;
    size_t start = 0;  // `default`, else the first task
};

std::shared_ptr<const Chain> parse(const std::filesystem::path& file, Problems& problems, expr::TemplateCache& cache);

}  // namespace packhost::workflows::action_chain

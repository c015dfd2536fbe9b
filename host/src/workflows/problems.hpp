#pragma once
// What is wrong with a workflow definition, each with the file and line it
// is about: collected whole by `workflow inspect`, thrown (the first few)
// when an action's definition is loaded.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace packhost::workflows {

struct Problem {
    size_t line = 0;  // 1-based; 0 when it concerns the whole file
    std::string message;
};

class Problems {
public:
    explicit Problems(std::string file) : file_(std::move(file)) {}
    void add(size_t line, std::string message) { list_.push_back({line, std::move(message)}); }
    bool empty() const { return list_.empty(); }
    const std::vector<Problem>& list() const { return list_; }
    const std::string& file() const { return file_; }
    // "FILE:LINE: message", one per line.
    std::string text() const;
    // Throws DefinitionError with text() when there is any problem.
    void throw_if_any() const;

private:
    std::string file_;
    std::vector<Problem> list_;
};

class DefinitionError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

}  // namespace packhost::workflows

#pragma once
#include <stdexcept>
#include <string>

namespace packhost::expr {

// A template that cannot be parsed or rendered. what() is
// "line L, column C: message"; the parts are kept for callers that format
// their own (workflow inspect: "file:line: ...").
class TemplateError : public std::runtime_error {
public:
    TemplateError(std::string message, size_t line, size_t column, std::string source)
        : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message),
          message_(std::move(message)),
          line_(line),
          column_(column),
          source_(std::move(source)) {}

    const std::string& message() const { return message_; }
    size_t line() const { return line_; }
    size_t column() const { return column_; }
    const std::string& source() const { return source_; }

    // 1-based line and column of `offset` in `source`.
    static std::pair<size_t, size_t> position(const std::string& source, size_t offset) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < offset && i < source.size(); ++i) {
            if (source[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return {line, col};
    }
    static TemplateError at(const std::string& source, size_t offset, std::string message) {
        auto [l, c] = position(source, offset);
        return TemplateError(std::move(message), l, c, source);
    }

private:
    std::string message_;
    size_t line_, column_;
    std::string source_;
};

}  // namespace packhost::expr

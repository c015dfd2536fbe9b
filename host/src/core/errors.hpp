#pragma once
// Error types that cross module boundaries. Each maps to one CLI exit status
// and, later, one HTTP status: a ValidationError is the caller's fault (2 /
// 400), a NotFound names something that does not exist (2 / 404).
#include <stdexcept>
#include <string>
#include <vector>

namespace packhost::core {

// Bad input from whoever made the request: parameters, files, arguments.
// Carries every problem found, so one round trip shows them all.
class ValidationError : public std::runtime_error {
public:
    explicit ValidationError(const std::string& message) : std::runtime_error(message), problems_{message} {}
    explicit ValidationError(std::vector<std::string> problems)
        : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

    const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    static std::string join(const std::vector<std::string>& problems) {
        std::string out;
        for (const auto& p : problems) {
            if (!out.empty()) out += "; ";
            out += p;
        }
        return out;
    }
    std::vector<std::string> problems_;
};

class NotFound : public ValidationError {
public:
    using ValidationError::ValidationError;
};

}  // namespace packhost::core

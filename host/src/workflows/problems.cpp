#include "workflows/problems.hpp"

namespace packhost::workflows {

std::string Problems::text() const {
    std::string out;
    for (const auto& p : list_) {
        if (!out.empty()) out += '\n';
        out += file_;
        if (p.line > 0) {
            out += ':';
            out += std::to_string(p.line);
        }
        out += ": ";
        out += p.message;
    }
    return out;
}

void Problems::throw_if_any() const {
    if (!list_.empty()) throw DefinitionError(text());
}

}  // namespace packhost::workflows

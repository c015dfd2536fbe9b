#include "chatops/help_text.hpp"

#include <algorithm>
#include <vector>

#include "core/edit_distance.hpp"
#include "core/unicode.hpp"

namespace packhost::chatops {
namespace {

// The fixed words a display starts with ("deploy" of "deploy {{app}} to ...").
std::string leading_words(const std::string& display) {
    size_t cut = std::min(display.find("{{"), display.find('('));
    std::string head = display.substr(0, cut);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    return head;
}

}  // namespace

std::string help_text(const aliases::AliasIndex& index, const std::string& prefix, const std::string& filter) {
    std::string want = core::unicode::lower(filter);
    std::string out;
    for (const auto& alias : index.aliases()) {
        if (!alias.enabled) continue;
        for (const auto& format : alias.formats) {
            if (!format.display) continue;
            std::string line = prefix + *format.display + " - " + alias.description;
            if (!want.empty() && core::unicode::lower(line + " " + alias.ref()).find(want) == std::string::npos)
                continue;
            out += line + "\n";
        }
    }
    if (out.empty()) return want.empty() ? "No commands are defined." : "No command matches \"" + filter + "\".";
    out.pop_back();
    return out;
}

std::optional<std::string> closest_display(const aliases::AliasIndex& index, const std::string& command) {
    std::string said = core::unicode::lower(command);
    std::optional<std::string> best;
    size_t best_distance = 0;
    for (const auto& alias : index.aliases()) {
        if (!alias.enabled) continue;
        for (const auto& format : alias.formats) {
            if (!format.display) continue;
            std::string head = core::unicode::lower(leading_words(*format.display));
            if (head.empty()) continue;
            size_t d = core::edit_distance(said.substr(0, head.size()), head);
            // Near: a typo or two, not a different word.
            if (d > std::max<size_t>(1, head.size() / 3)) continue;
            if (!best || d < best_distance) {
                best = *format.display;
                best_distance = d;
            }
        }
    }
    return best;
}

}  // namespace packhost::chatops

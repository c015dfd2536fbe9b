#pragma once
// Regular expressions with Python `re` semantics where RE2 (core/regex.hpp)
// cannot follow: backtracking with look-around and backreferences. Chat
// alias formats need it: StackStorm's own alias parser writes look-behind
// into every format it compiles, and pack authors write formats as Python
// regular expressions. On PCRE2 (Debian's libpcre2), with Unicode classes
// (\s, \w, \d as Python 3 str patterns see them) and Python's \Z; a match
// limit bounds the work one search may do, so a hostile message costs a
// bounded amount of CPU and ends in TooCostly instead of hanging a thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace packhost::core {

class PythonRegex {
public:
    struct Options {
        bool dotall = false;      // re.DOTALL
        bool ignorecase = false;  // re.IGNORECASE
    };

    // The search gave up at the match limit (catastrophic backtracking).
    struct TooCostly : std::runtime_error {
        using std::runtime_error::runtime_error;
    };

    // One match: the span of each group, 0 being the whole match.
    struct Match {
        static constexpr size_t kUnset = static_cast<size_t>(-1);
        std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) in bytes; begin kUnset: not set
        bool has(size_t group) const { return group < spans.size() && spans[group].first != kUnset; }
        std::string_view group(std::string_view text, size_t group = 0) const;
        size_t begin() const { return spans[0].first; }
        size_t end() const { return spans[0].second; }
    };

    // Throws std::invalid_argument("invalid regular expression '...': why at offset N").
    static PythonRegex compile(std::string_view pattern, Options options);
    static PythonRegex compile(std::string_view pattern) { return compile(pattern, Options{}); }

    // re.search from byte `start` (re.match with `anchored`). `text` must be
    // valid UTF-8 (std::invalid_argument otherwise).
    std::optional<Match> search(std::string_view text, size_t start = 0, bool anchored = false) const;
    // re.finditer: successive non-overlapping matches.
    std::vector<Match> find_all(std::string_view text) const;

    int group_count() const;
    // Group index -> name ("" for a group without one); index 0 is the match.
    const std::vector<std::string>& group_names() const;

private:
    std::optional<Match> run(std::string_view text, size_t start, uint32_t pcre2_options) const;
    struct Compiled;
    std::shared_ptr<const Compiled> re_;
};

}  // namespace packhost::core

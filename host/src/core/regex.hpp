#pragma once
// Regular expressions from users (template filters, schema patterns, rule
// criteria) on RE2: linear time whatever the pattern, so no input can make
// the host backtrack forever. The syntax is Python's `re` as far as RE2
// reaches: (?P<name>...), \A, \Z, (?i); no backreferences or look-around.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace packhost::core {

class Regex {
public:
    // Throws std::invalid_argument("invalid regular expression '...': why").
    static Regex compile(const std::string& pattern, bool ignorecase = false);

    // re.match: at the start of `text`.
    bool match_start(std::string_view text) const;
    // re.search: anywhere.
    bool search(std::string_view text) const;
    // re.sub with Python's replacement syntax (\1, \g<1>, \g<name>, \n).
    // Throws std::length_error when the result would pass `max_bytes`.
    std::string replace_all(std::string_view text, const std::string& replacement,
                            size_t max_bytes = std::string::npos) const;
    // re.findall: one entry per match, each the list of its groups (or the
    // whole match when the pattern has no groups). Throws std::length_error
    // past `max_matches`.
    std::vector<std::vector<std::string>> find_all(std::string_view text, size_t max_matches = std::string::npos) const;
    int group_count() const;

private:
    std::shared_ptr<const re2::RE2> re_;
};

}  // namespace packhost::core

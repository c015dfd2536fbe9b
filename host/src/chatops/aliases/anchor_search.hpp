#pragma once
// Whether an alias format already anchors itself, decided as StackStorm
// decides it (search_regex_tokens over Python's sre_parse tokens): an anchor
// counts at the top level and inside groups, but not inside a repeated group
// or a look-around, and of an alternation only the second branch is looked
// at (`^a|b` is unanchored at the start, `a|b$` anchored at the end).
// StackStorm adds `^\s*` / `\s*$` to a format that lacks them; getting this
// quirk right is what makes a format match here exactly as it does there.
#include <string_view>

namespace packhost::chatops::aliases {

// `^` or `\A` where StackStorm looks.
bool has_beginning_anchor(std::string_view regex);
// `$` or `\Z` where StackStorm looks.
bool has_ending_anchor(std::string_view regex);

}  // namespace packhost::chatops::aliases

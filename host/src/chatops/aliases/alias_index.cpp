#include "chatops/aliases/alias_index.hpp"

#include <set>

#include "core/errors.hpp"
#include "events/document.hpp"

namespace packhost::chatops::aliases {

std::vector<Alias> read_pack_aliases(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                     std::vector<std::string>& problems) {
    return events::read_pack_documents<Alias>(pack_dir, pack_ref, "aliases", "alias", problems);
}

std::vector<Alias> load_pack_aliases(const packs::Catalog& catalog, std::vector<std::string>& problems) {
    return events::load_pack_documents<Alias>(catalog, "aliases", "alias", problems);
}

AliasIndex::AliasIndex(std::vector<Alias> aliases, std::vector<std::string>& problems) {
    std::set<std::string> refs;
    for (auto& alias : aliases) {
        if (!refs.insert(alias.ref()).second) {
            problems.push_back(alias.source + ": alias '" + alias.ref() + "' is defined twice; this one is left out");
            continue;
        }
        aliases_->push_back(std::move(alias));
    }
    for (size_t a = 0; a < aliases_->size(); ++a) {
        const Alias& alias = (*aliases_)[a];
        for (size_t f = 0; f < alias.formats.size(); ++f) {
            const auto& reps = alias.formats[f].representations;
            // StackStorm: a display without representations matches as "".
            size_t count = reps.empty() ? 1 : reps.size();
            for (size_t r = 0; r < count; ++r) {
                try {
                    entries_.push_back({a, f, r, std::make_shared<FormatParser>(reps.empty() ? "" : reps[r])});
                } catch (const std::invalid_argument& e) {
                    problems.push_back(alias.source + ": formats[" + std::to_string(f) + "]: " + e.what());
                }
            }
        }
    }
}

Json AliasMatch::to_json() const {
    Json out = Json::object();
    out["actionalias"] = alias->to_json();
    out["display"] = display();
    out["representation"] = *representation;
    return out;
}

AliasMatch AliasIndex::to_match(const Entry& e) const {
    static const std::string kEmpty;
    const Alias& alias = (*aliases_)[e.alias];
    const AliasFormat& format = alias.formats[e.format];
    const std::string* rep = format.representations.empty() ? &kEmpty : &format.representations[e.representation];
    return AliasMatch{&alias, &format, rep, e.parser.get()};
}

std::vector<AliasMatch> AliasIndex::candidates(const FormatParser::Command& command, bool multiple) const {
    // StackStorm queries aliases, not formats: an alias with any format
    // without match_multiple takes part in the first pass with all its
    // formats, one with any match_multiple format in the second.
    std::vector<AliasMatch> out;
    for (const auto& e : entries_) {
        const Alias& alias = (*aliases_)[e.alias];
        if (!alias.enabled) continue;
        bool takes_part = false;
        for (const auto& f : alias.formats) takes_part = takes_part || (f.match_multiple == multiple);
        if (!takes_part) continue;
        try {
            if (e.parser->matches(command)) out.push_back(to_match(e));
        } catch (const core::PythonRegex::TooCostly&) {
            // This format cannot decide in bounded time: it does not match.
        }
    }
    return out;
}

AliasMatch AliasIndex::match(const FormatParser::Command& command) const {
    auto found = candidates(command, false);
    if (found.size() > 1) {
        throw AmbiguousCommand("Command '" + command.original + "' matched more than 1 pattern", std::move(found));
    }
    if (found.empty()) {
        found = candidates(command, true);
        if (found.size() > 1) {
            throw AmbiguousCommand("Command '" + command.original + "' matched more than 1 (multi) pattern",
                                   std::move(found));
        }
        if (found.empty()) throw AmbiguousCommand("Command '" + command.original + "' matched no patterns", {});
    }
    return found.front();
}

const Alias* AliasIndex::find(const std::string& ref) const {
    for (const auto& alias : *aliases_) {
        if (alias.ref() == ref) return &alias;
    }
    return nullptr;
}

}  // namespace packhost::chatops::aliases

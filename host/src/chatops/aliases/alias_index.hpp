#pragma once
// The loaded aliases with every representation compiled once, and
// StackStorm's choice of the alias a chat command runs
// (actionalias_matching.get_matching_alias): the enabled aliases' formats are
// tried in turn; more than one match is an error, none is an error; formats
// marked match_multiple are tried only when nothing else matched.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "chatops/aliases/alias.hpp"
#include "chatops/aliases/format_parser.hpp"
#include "packs/catalog.hpp"

namespace packhost::chatops::aliases {

// One pack's aliases (<pack_dir>/aliases/*.yaml, in name order); one that
// cannot be read is left out with the reason in `problems`.
std::vector<Alias> read_pack_aliases(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                     std::vector<std::string>& problems);
// The same for every loaded pack.
std::vector<Alias> load_pack_aliases(const packs::Catalog& catalog, std::vector<std::string>& problems);

struct AliasMatch {
    const Alias* alias = nullptr;
    const AliasFormat* format = nullptr;
    const std::string* representation = nullptr;
    const FormatParser* parser = nullptr;

    std::string display() const { return format->display.value_or(*representation); }
    // StackStorm's POST /api/v1/actionalias/match answer: {actionalias,
    // display, representation}.
    Json to_json() const;
};

// StackStorm's ActionAliasAmbiguityException, with its messages:
// "Command '…' matched more than 1 pattern", "… more than 1 (multi)
// pattern", "Command '…' matched no patterns". `matches` lists the
// candidates (empty when none matched).
struct AmbiguousCommand : std::runtime_error {
    AmbiguousCommand(const std::string& message, std::vector<AliasMatch> m)
        : std::runtime_error(message), matches(std::move(m)) {}
    std::vector<AliasMatch> matches;
};

class AliasIndex {
public:
    AliasIndex() = default;
    // Compiles every representation. A representation that is not a valid
    // regular expression is left out with the reason in `problems`, and so
    // is an alias whose ref is taken.
    AliasIndex(std::vector<Alias> aliases, std::vector<std::string>& problems);

    // The alias and format `command` runs. Throws AmbiguousCommand;
    // std::invalid_argument for text that is not UTF-8.
    AliasMatch match(const FormatParser::Command& command) const;
    // Every enabled representation that matches (the candidates StackStorm
    // weighs), `multiple` selecting the match_multiple pass.
    std::vector<AliasMatch> candidates(const FormatParser::Command& command, bool multiple) const;

    const std::vector<Alias>& aliases() const { return *aliases_; }
    const Alias* find(const std::string& ref) const;

private:
    struct Entry {
        size_t alias;
        size_t format;
        size_t representation;
        std::shared_ptr<const FormatParser> parser;
    };
    AliasMatch to_match(const Entry& e) const;

    std::shared_ptr<std::vector<Alias>> aliases_ = std::make_shared<std::vector<Alias>>();
    std::vector<Entry> entries_;
};

}  // namespace packhost::chatops::aliases

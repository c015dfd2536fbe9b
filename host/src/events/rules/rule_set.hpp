#pragma once
// Where rules come from: the packs' rules/*.yaml and the rules kept in the
// store (`packhost rule create`), each switched on or off by `packhost rule
// enable|disable` (a switch kept in the store overrides the file's
// `enabled`). The CLI and packhost serve read them the same way.
#include <filesystem>
#include <string>
#include <vector>

#include "events/rules/rule.hpp"
#include "events/trigger_types.hpp"
#include "packs/catalog.hpp"
#include "store/store.hpp"

namespace packhost::events::rules {

// One pack's rules (<pack_dir>/rules/*.yaml, in name order). A rule that
// cannot be read is left out with the reason in `problems`.
std::vector<Rule> read_pack_rules(const std::filesystem::path& pack_dir, const std::string& pack_ref,
                                  std::vector<std::string>& problems);
// The same for every loaded pack.
std::vector<Rule> load_pack_rules(const packs::Catalog& catalog, std::vector<std::string>& problems);

// What is wrong with a rule's trigger: an unknown type, parameters that do
// not fit the type's parameters_schema. Each problem names `where`.
std::vector<std::string> trigger_problems(const Rule& rule, const TriggerTypes& types, const std::string& where);

// The packs' rules, then the store's (null: none), switches applied. A
// rule with a problem (see trigger_problems) or whose ref is taken is left
// out with the reason in `problems`.
std::vector<Rule> load_rules(const packs::Catalog& catalog, store::Store* store, const TriggerTypes& types,
                             std::vector<std::string>& problems);

}  // namespace packhost::events::rules

#include "chatops/access.hpp"

namespace packhost::chatops {

bool AccessRules::allows(const std::string& user, const std::string& channel, const std::string& alias_ref) const {
    bool listed = false;
    for (const auto* lists : {&users, &channels}) {
        auto it = lists->find(lists == &users ? user : channel);
        if (it == lists->end()) continue;
        listed = true;
        if (it->second.count("*") || it->second.count(alias_ref)) return true;
    }
    return !listed && !deny_by_default;
}

}  // namespace packhost::chatops

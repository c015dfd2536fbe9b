#pragma once
// Who may run which alias from chat. Allow lists per user and per channel
// name alias refs (or "*" for all): a command runs when the user's list or
// the channel's list has its alias. Where neither the user nor the channel
// has a list, everyone may, unless deny_by_default is set.
#include <map>
#include <set>
#include <string>

namespace packhost::chatops {

struct AccessRules {
    std::map<std::string, std::set<std::string>> users;
    std::map<std::string, std::set<std::string>> channels;
    bool deny_by_default = false;

    bool allows(const std::string& user, const std::string& channel, const std::string& alias_ref) const;
};

}  // namespace packhost::chatops

// Who may run which alias: allow lists per user and per channel, everyone
// where neither has a list unless deny_by_default.
#include "chatops/access.hpp"

#include <gtest/gtest.h>

namespace packhost::chatops {
namespace {

TEST(Access, EveryoneByDefaultListsWhereTheyExist) {
    AccessRules rules;
    EXPECT_TRUE(rules.allows("anyone", "#any", "core.echo"));
    rules.users["bob"] = {"core.echo"};
    rules.channels["#prod"] = {"ops.deploy"};
    rules.users["root"] = {"*"};
    EXPECT_TRUE(rules.allows("bob", "#dev", "core.echo"));
    EXPECT_FALSE(rules.allows("bob", "#dev", "ops.deploy"));    // bob has a list without it
    EXPECT_TRUE(rules.allows("bob", "#prod", "ops.deploy"));    // the channel's list has it
    EXPECT_FALSE(rules.allows("carol", "#prod", "core.echo"));  // the channel has a list without it
    EXPECT_TRUE(rules.allows("carol", "#dev", "core.echo"));    // no list for either
    EXPECT_TRUE(rules.allows("root", "#prod", "anything.at_all"));
    rules.deny_by_default = true;
    EXPECT_FALSE(rules.allows("carol", "#dev", "core.echo"));
    EXPECT_TRUE(rules.allows("bob", "#dev", "core.echo"));
}

}  // namespace
}  // namespace packhost::chatops

#pragma once
// What `packhost chat`, `alias` and `serve` share to set up the chat side:
// the loaded packs' aliases (problems warned about on stderr) and the chat
// options from the site configuration.
#include "chatops/adapters/irc.hpp"
#include "chatops/aliases/alias_index.hpp"
#include "chatops/chat_core.hpp"
#include "cli/app_context.hpp"

namespace packhost::cli {

chatops::aliases::AliasIndex loaded_aliases(AppContext& ctx);
chatops::ChatOptions chat_options(const Settings& settings);
// chatops.irc.*: `server` may carry the port ("irc.example.org:6697").
// Throws core::ValidationError for a port that is not one.
chatops::adapters::IrcOptions irc_options(const Settings& settings);

}  // namespace packhost::cli

#include "cli/chat_setup.hpp"

#include <iostream>

#include "host.hpp"

namespace packhost::cli {

chatops::aliases::AliasIndex loaded_aliases(AppContext& ctx) {
    std::vector<std::string> problems;
    auto aliases = chatops::aliases::load_pack_aliases(ctx.host().catalog(), problems);
    chatops::aliases::AliasIndex index(std::move(aliases), problems);
    for (const auto& p : problems) std::cerr << "warning: alias left out: " << p << '\n';
    return index;
}

chatops::ChatOptions chat_options(const Settings& s) {
    chatops::ChatOptions options;
    options.prefix = s.text("chatops.prefix");
    options.bot_name = s.text("chatops.bot_name");
    options.max_result_chars = static_cast<size_t>(s.number("chatops.max_result_chars"));
    options.max_message_bytes = static_cast<size_t>(s.number("chatops.max_message_bytes"));
    options.access.deny_by_default = s.flag("chatops.deny_by_default");
    return options;
}

}  // namespace packhost::cli

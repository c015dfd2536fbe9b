#include "cli/chat_setup.hpp"

#include <algorithm>
#include <iostream>

#include "core/errors.hpp"
#include "host.hpp"
#include "workflows/definition_file.hpp"

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
    for (const auto& [user, refs] : s.lists("chatops.allow.users")) {
        options.access.users[user].insert(refs.begin(), refs.end());
    }
    for (const auto& [channel, refs] : s.lists("chatops.allow.channels")) {
        options.access.channels[channel].insert(refs.begin(), refs.end());
    }
    return options;
}

chatops::adapters::IrcOptions irc_options(const Settings& s) {
    chatops::adapters::IrcOptions o;
    o.server = s.text("chatops.irc.server");
    o.port = static_cast<uint16_t>(s.number("chatops.irc.port"));
    if (size_t colon = o.server.rfind(':'); colon != std::string::npos && o.server.find(':') == colon) {
        std::string port = o.server.substr(colon + 1);
        o.server.erase(colon);
        char* end = nullptr;
        long n = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || n < 1 || n > 65535) {
            throw core::ValidationError("chatops.irc.server: '" + port + "' is not a port number");
        }
        o.port = static_cast<uint16_t>(n);
    }
    o.tls = s.flag("chatops.irc.tls");
    o.ca_file = s.text("chatops.irc.ca_file");
    o.verify_tls = s.flag("chatops.irc.verify_tls");
    o.nick = s.text("chatops.irc.nick");
    o.password = s.text("chatops.irc.password");
    o.burst = static_cast<size_t>(std::max<int64_t>(1, s.number("chatops.irc.burst")));
    o.line_interval =
        std::chrono::milliseconds(1000 / std::clamp<int64_t>(s.number("chatops.irc.lines_per_second"), 1, 1000));
    for (auto& c : workflows::split_names(s.text("chatops.irc.channels"))) {
        o.channels.push_back(c.front() == '#' || c.front() == '&' ? c : "#" + c);
    }
    return o;
}

}  // namespace packhost::cli

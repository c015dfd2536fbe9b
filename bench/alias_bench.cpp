// Chat alias matching (issue: ChatOps): messages per second through
// StackStorm's choice of one alias among 500, every representation compiled
// once, as the chat core does it for each message: trailing key=value pairs
// cut, each enabled format searched, the one match's parameters extracted.
#include <cstdio>
#include <string>
#include <vector>

#include "chatops/aliases/alias_index.hpp"

#include "median_time.hpp"

using namespace packhost::chatops::aliases;

int main() {
    std::vector<Alias> aliases;
    const char* shapes[] = {"%s {{app}} to {{env=staging}}", "%s {{target}}( on {{hosts=localhost}})?",
                            "(show|get) %s {{id}}", "%s status"};
    for (int i = 0; i < 500; ++i) {
        Alias a;
        a.name = "alias" + std::to_string(i);
        a.pack = "bench";
        a.action_ref = "core.echo";
        char format[128];
        std::string word = "cmd" + std::to_string(i);
        std::snprintf(format, sizeof format, shapes[i % 4], word.c_str());
        a.formats.push_back({std::string(format), {std::string(format)}, false});
        aliases.push_back(std::move(a));
    }
    std::vector<std::string> problems;
    AliasIndex index(std::move(aliases), problems);
    const std::vector<std::string> messages = {"cmd100 web to production", "cmd201 db1 on \"host a, host b\"",
                                               "show cmd402 OPS-1234 verbose=true", "cmd499 status"};
    size_t next = 0;
    double ns = median_ns(21, 20, [&] {
        auto command = FormatParser::prepare(messages[next++ % messages.size()]);
        auto m = index.match(command);
        auto values = m.parser->extract(command);
        if (values.empty() && m.alias == nullptr) std::puts("?");
    });
    std::printf("== Chat alias matching (500 aliases, StackStorm's parser on PCRE2 JIT)\n");
    std::printf("%-48s %10.1f us  %8.0f messages/s\n", "one message: cut pairs, try 500 formats, extract", ns / 1000,
                1e9 / ns);
    return problems.empty() ? 0 : 1;
}

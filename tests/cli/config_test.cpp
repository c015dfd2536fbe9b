// The site configuration through the real packhost: config.yaml read from
// the home (or --config), checked with file:line and key, every value's
// precedence flag > environment > file > default shown by `config show`,
// secrets masked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

using namespace packhost::testing;
using json = nlohmann::json;

namespace {

void write_config(const std::string& text, const std::string& name = "config.yaml") {
    std::filesystem::create_directories(test_home());
    std::ofstream(test_home() + "/" + name) << text;
}

json show(const std::vector<std::string>& extra = {}, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{PACKHOST_BIN};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"config", "show", "--json"});
    env.emplace("PACKHOST_HOME", test_home());
    auto r = run_process(argv, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
}

}  // namespace

TEST(Config, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
    write_config(
        "# the site's settings\n"
        "api:\n"
        "  bind: 0.0.0.0:9200\n"
        "  threads: 4\n"
        "executions:\n"
        "  retention: 30d\n"
        "log:\n"
        "  level: info\n"
        "webhooks:\n"
        "  github:\n"
        "    secret: s3cret-hook\n");
    auto file_only = show();
    auto s = file_only["settings"];
    EXPECT_EQ(s["api.bind"]["value"], "0.0.0.0:9200");
    EXPECT_EQ(s["api.bind"]["source"], test_home() + "/config.yaml:3");
    EXPECT_EQ(s["executions.retention"]["value"], "30d");
    EXPECT_EQ(s["api.max_body_bytes"]["value"], "1048576");
    EXPECT_EQ(s["api.max_body_bytes"]["source"], "default");
    // Secrets are masked wherever the configuration is shown.
    EXPECT_EQ(s["webhooks.github.secret"]["value"], "********");

    auto env = show({}, {{"PACKHOST_BIND", "127.0.0.1:9300"}, {"PACKHOST_LOG_LEVEL", "error"}})["settings"];
    EXPECT_EQ(env["api.bind"]["value"], "127.0.0.1:9300");
    EXPECT_EQ(env["api.bind"]["source"], "env PACKHOST_BIND");
    EXPECT_EQ(env["log.level"]["value"], "error");
    EXPECT_EQ(env["api.threads"]["value"], "4");

    auto flag = show({"--log-level", "debug", "--retention", "7d"}, {{"PACKHOST_LOG_LEVEL", "error"}})["settings"];
    EXPECT_EQ(flag["log.level"]["value"], "debug");
    EXPECT_EQ(flag["log.level"]["source"], "flag --log-level");
    EXPECT_EQ(flag["executions.retention"]["value"], "7d");

    auto text = run_process({PACKHOST_BIN, "config", "show"}, {{"PACKHOST_HOME", test_home()}});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_TRUE(contains(text.out, "api.bind")) << text.out;
    EXPECT_FALSE(contains(text.out, "s3cret-hook")) << text.out;
}

TEST(Config, ABrokenFileIsRefusedNamingTheLineAndTheKey) {
    write_config(
        "api:\n"
        "  bnd: 0.0.0.0:9200\n"
        "  max_body_bytes: lots\n"
        "log:\n"
        "  level: loud\n");
    auto r = packhost_cmd({"action", "list"});
    EXPECT_EQ(r.exit_code, 2);
    std::string file = test_home() + "/config.yaml";
    EXPECT_TRUE(contains(r.err, file + ":2: unknown key 'api.bnd' (did you mean 'api.bind'?)")) << r.err;
    EXPECT_TRUE(contains(r.err, file + ":3: api.max_body_bytes: expected a whole number, 0 or more, got 'lots'"))
        << r.err;
    EXPECT_TRUE(contains(r.err, file + ":5: log.level: expected one of trace|debug|info|warn|error|critical|off"))
        << r.err;

    write_config("api: [1, 2\n");
    auto yaml = packhost_cmd({"action", "list"});
    EXPECT_EQ(yaml.exit_code, 2);
    EXPECT_TRUE(contains(yaml.err, file + ":")) << yaml.err;

    // A flag's or variable's value of the wrong type is refused the same way.
    std::filesystem::remove(file);
    auto env =
        run_process({PACKHOST_BIN, "config", "show"}, {{"PACKHOST_HOME", test_home()}, {"PACKHOST_WORKERS", "many"}});
    EXPECT_EQ(env.exit_code, 2);
    EXPECT_TRUE(contains(env.err, "PACKHOST_WORKERS: expected a whole number")) << env.err;
}

TEST(Config, AnotherFileCanBeNamedAndMustThenExist) {
    write_config("executions:\n  workers: 3\n", "site.yaml");
    auto s = show({"--config", test_home() + "/site.yaml"})["settings"];
    EXPECT_EQ(s["executions.workers"]["value"], "3");
    auto missing = run_process({PACKHOST_BIN, "--config", test_home() + "/nope.yaml", "config", "show"},
                               {{"PACKHOST_HOME", test_home()}});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(contains(missing.err, "nope.yaml: the configuration file does not exist")) << missing.err;
}

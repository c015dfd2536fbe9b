// The local shell runners with real processes: commands, scripts in three
// languages, StackStorm's argument rules, and every bad case ending in a
// clear terminal status without hanging the host or leaving a process.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/errors.hpp"
#include "host.hpp"
#include "support/run_and_wait.hpp"

using namespace packhost;
using executions::Status;
using json = packhost::Json;

namespace {

class LocalShell : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        HostOptions o;
        o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
        o.scheduler.workers = 4;
        host_ = new Host(o);
    }
    static void TearDownTestSuite() {
        delete host_;
        host_ = nullptr;
    }
    std::shared_ptr<executions::Execution> run(const std::string& ref, json params = json::object(),
                                               double timeout = 0) {
        return packhost::testing::run_and_wait(*host_, ref, std::move(params), timeout);
    }
    static Host* host_;
};

Host* LocalShell::host_ = nullptr;

// Running, that is: not gone and not a zombie nobody reaped yet.
bool process_alive(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return false;
    size_t close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

}  // namespace

TEST_F(LocalShell, CoreLocalRunsACommand) {
    auto e = run("core.local", {{"cmd", "echo hello; echo oops >&2; exit 0"}});
    EXPECT_EQ(e->status(), Status::succeeded);
    EXPECT_EQ(
        e->result(),
        (json{{"succeeded", true}, {"failed", false}, {"return_code", 0}, {"stdout", "hello"}, {"stderr", "oops"}}));
    auto j = e->to_json();
    ASSERT_TRUE(j.contains("output")) << "output streamed as chunks";
}

TEST_F(LocalShell, FailingAndMissingCommands) {
    auto e = run("core.local", {{"cmd", "echo partial; exit 3"}});
    EXPECT_EQ(e->status(), Status::failed);
    EXPECT_EQ(e->result()["return_code"], 3);
    EXPECT_EQ(e->result()["stdout"], "partial");
    auto missing = run("core.local", {{"cmd", "no-such-command-xyz"}});
    EXPECT_EQ(missing->status(), Status::failed);
    EXPECT_EQ(missing->result()["return_code"], 127);
    EXPECT_NE(missing->result()["stderr"].get<std::string>().find("no-such-command-xyz: command not found"),
              std::string::npos);
}

TEST_F(LocalShell, EnvCwdAndTemplatedCmd) {
    auto e =
        run("core.local",
            {{"cmd", "echo $GREETING $ST2_ACTION_PACK_NAME; pwd"}, {"env", {{"GREETING", "hi"}}}, {"cwd", "/tmp"}});
    EXPECT_EQ(e->result()["stdout"], "hi core\n/tmp");
    auto said = run("scripts.say", {{"message", "it works"}});
    EXPECT_EQ(said->status(), Status::succeeded);
    EXPECT_EQ(said->result()["stdout"], "said: it works");
    EXPECT_THROW(run("scripts.say", {{"message", "x"}, {"cmd", "rm -rf /"}}), core::ValidationError)
        << "cmd is immutable";
    EXPECT_THROW(run("core.local", {{"cmd", "true"}, {"sudo", true}}), core::ValidationError) << "sudo is immutable";
}

TEST_F(LocalShell, ScriptArgumentsFollowStackStorm) {
    auto e = run("scripts.args", {{"first", "a b"},
                                  {"third", "c"},
                                  {"name", "n"},
                                  {"verbose", true},
                                  {"hosts", {"h1", "h2"}},
                                  {"opts", {{"k", 1}}}});
    EXPECT_EQ(e->status(), Status::succeeded) << e->result();
    // positional by position (a missing one stays as ""), then named in
    // declaration order (StackStorm's dict order).
    EXPECT_EQ(e->result()["stdout"], "[a b]\n[]\n[c]\n[--name=n]\n[--verbose=1]\n[--hosts=h1,h2]\n[--opts={\"k\":1}]");
    auto dash = run("scripts.args", {{"name", "n"}, {"kwarg_op", "-"}});
    EXPECT_EQ(dash->result()["stdout"], "[]\n[]\n[]\n[-name=n]");
}

TEST_F(LocalShell, ScriptsInOtherLanguages) {
    auto py = run("scripts.lookup", {{"project", "jtopjian"}});
    EXPECT_EQ(py->status(), Status::succeeded) << py->result();
    EXPECT_EQ(json::parse(py->result()["stdout"].get<std::string>()),
              (json{{"project", "jtopjian"}, {"id", "prj-0042"}}));
    auto unknown = run("scripts.lookup", {{"project", "nobody"}});
    EXPECT_EQ(unknown->status(), Status::failed);
    EXPECT_EQ(unknown->result()["return_code"], 3);
    EXPECT_EQ(unknown->result()["stderr"], "unknown project nobody");
    auto pl = run("scripts.perl_sum", {{"a", 40}, {"b", 2}});
    EXPECT_EQ(pl->result()["stdout"], "42");
}

TEST_F(LocalShell, NotExecutableScript) {
    auto e = run("scripts.not_executable");
    EXPECT_EQ(e->status(), Status::failed);
    std::string err = e->result()["error"];
    EXPECT_NE(err.find("not_executable.sh is not executable (chmod +x it)"), std::string::npos) << err;
}

TEST_F(LocalShell, FiftyMegabytesAreCutVisibly) {
    auto e = run("scripts.flood");
    EXPECT_EQ(e->status(), Status::succeeded);
    std::string out = e->result()["stdout"];
    EXPECT_LT(out.size(), 5u << 20);
    EXPECT_NE(out.find("[packhost: output cut at 4194304 bytes]"), std::string::npos);
    EXPECT_EQ(e->result()["stderr"], "done") << "the process ran to its end";
}

TEST_F(LocalShell, TimeoutKillsTheWholeGroup) {
    auto pidfile = std::filesystem::temp_directory_path() / ("packhost-spawner-" + std::to_string(::getpid()));
    auto start = std::chrono::steady_clock::now();
    auto e = run("scripts.spawner", {{"pidfile", pidfile.string()}});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_EQ(e->status(), Status::timeout);
    EXPECT_EQ(e->result()["stdout"], "started") << "output up to the timeout is kept";
    EXPECT_EQ(e->result()["error"], "execution timed out");
    std::ifstream in(pidfile);
    pid_t child = 0;
    in >> child;
    ASSERT_GT(child, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(process_alive(child)) << "the background child was killed with its group";
    std::filesystem::remove(pidfile);
}

TEST_F(LocalShell, SigtermIgnoredMeansSigkill) {
    auto start = std::chrono::steady_clock::now();
    auto e = run("scripts.stubborn");
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(e->status(), Status::timeout);
    EXPECT_LT(took, std::chrono::seconds(8)) << "1 s timeout + 2 s grace";
    EXPECT_EQ(e->result()["return_code"], -9);
}

TEST_F(LocalShell, CancelARunningScript) {
    auto e = host_->scheduler().submit({"core.local", {{"cmd", "echo begun; sleep 30"}}});
    for (int i = 0; i < 200 && e->to_json()["output"].is_null(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    host_->scheduler().cancel(e->id());
    e->wait();
    EXPECT_EQ(e->status(), Status::canceled);
    EXPECT_EQ(e->result()["stdout"], "begun");
}

TEST_F(LocalShell, InvalidUtf8IsKeptSafely) {
    auto e = run("scripts.bytes");
    EXPECT_EQ(e->status(), Status::succeeded);
    std::string text = e->to_json().dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_NE(text.find("ok \xef\xbf\xbd\xef\xbf\xbd end"), std::string::npos) << "replacement characters in JSON";
}

TEST_F(LocalShell, NoopAndDisabled) {
    EXPECT_EQ(run("scripts.nothing")->result(), (json{{"failed", false}, {"succeeded", true}, {"return_code", 0}}));
    try {
        run("scripts.disabled");
        FAIL();
    } catch (const core::ValidationError& e) {
        EXPECT_STREQ(e.what(), "action 'scripts.disabled' is disabled (enabled: false)");
    }
}

TEST_F(LocalShell, BrokenActionMetadataRefusesThePack) {
    std::map<std::string, std::string> r;
    for (const auto& x : host_->catalog().refused()) r[x.dir.filename().string()] = x.reason;
    std::string dir = FIXTURE_PACKS_DIR;
    EXPECT_EQ(r["bad_runner"],
              dir +
                  "/bad_runner/actions/x.yaml: unknown runner_type 'python-magic' "
                  "(known: local-shell-cmd, local-shell-script, noop, http-request, orquesta, action-chain, "
                  "announcement, run-action, execution-get)");
    EXPECT_EQ(r["missing_entry"], dir + "/missing_entry/actions/x.yaml: entry_point 'nope.sh' does not exist (" + dir +
                                      "/missing_entry/actions/nope.sh)");
    EXPECT_EQ(r["bad_override"], dir +
                                     "/bad_override/actions/x.yaml: parameters.timeout: 'type' of runner "
                                     "local-shell-cmd's parameter cannot be changed (only default, description, "
                                     "enum, immutable, required)");
    EXPECT_NE(host_->catalog().find("scripts"), nullptr) << "a YAML-only pack loads";
}

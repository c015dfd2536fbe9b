// What packhost guarantees about the history, with real processes, real
// signals and a real full disk: an execution is accepted only once its
// record is on disk, a write that fails is an error (never a silent
// success), a closed terminal cancels like Ctrl-C, and what a killed host
// left running is ended by the next one to start.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "support/process.hpp"

using packhost::testing::contains;
using packhost::testing::packhost_argv;
using packhost::testing::packhost_cmd;
using packhost::testing::run_process;
using packhost::testing::run_process_signal_when;
using packhost::testing::test_home;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> home_env(const std::string& home) {
    return {{"PACKHOST_PACKS_PATH", ""}, {"USER", "tester"}, {"PACKHOST_HOME", home}};
}

bool process_running(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    auto close = line.rfind(')');
    return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

pid_t read_pid(const std::string& file) {
    for (int i = 0; i < 100; ++i) {
        std::ifstream in(file);
        pid_t pid = 0;
        if (in >> pid && pid > 0) return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
}

// A 2 MiB tmpfs: a real full disk, unmounted when the test ends.
class SmallDisk {
public:
    SmallDisk() : dir_(fs::temp_directory_path() / ("packhost-full-" + std::to_string(::getpid()))) {
        fs::create_directories(dir_);
        mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=2m") == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount(dir_.c_str());
        fs::remove_all(dir_);
    }
    bool mounted() const { return mounted_; }
    std::string home() const { return (dir_ / "home").string(); }

private:
    fs::path dir_;
    bool mounted_ = false;
};

}  // namespace

TEST(Durability, AFullDiskIsAnErrorNeverASilentSuccess) {
    SmallDisk disk;
    ASSERT_TRUE(disk.mounted()) << "mounting a tmpfs needs root (the suite runs as root, as CI does)";
    // 3 MB of output on a 2 MiB disk: the record of its end cannot be written.
    auto r = run_process(packhost_argv({"run", "core.local", "cmd=head -c 3000000 /dev/zero | tr '\\\\0' x"}),
                         home_env(disk.home()));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "but its record could not be written")) << r.err;
    EXPECT_TRUE(contains(r.err, "database or disk is full")) << r.err;

    // A disk so full that not even the request fits: refused, never run.
    // (A little room is enough: SQLite reuses its WAL's space.)
    fs::remove_all(disk.home());
    {
        std::ofstream filler(disk.home() + "-filler", std::ios::binary);
        std::string block(4096, 'f');
        while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
        }
    }
    std::string marker = test_home() + "/ran-on-a-full-disk";
    fs::remove(marker);
    auto refused = run_process(packhost_argv({"run", "core.local", "cmd=touch " + marker}), home_env(disk.home()));
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_TRUE(contains(refused.err, "No space left on device") || contains(refused.err, "database or disk is full"))
        << refused.err;
    EXPECT_FALSE(fs::exists(marker)) << "an execution that was not recorded did not run";
}

TEST(Durability, AnActionThatCrashesTheProcessAtOnceLeavesItsRecord) {
    auto crash = packhost_cmd({"run", "good.segfault"});
    // Killed by SIGSEGV (or, under AddressSanitizer, ended by its report).
    EXPECT_TRUE(crash.exit_code == 128 + SIGSEGV || crash.exit_code == 1) << crash.exit_code << crash.err;
    EXPECT_TRUE(crash.out.empty()) << "it never got to print a result: " << crash.out;
    // The next packhost to start finds the record and closes it.
    auto list = packhost_cmd({"execution", "list", "--action", "good.segfault", "--json"});
    auto records = json::parse(list.out);
    ASSERT_EQ(records.size(), 1u) << list.err;
    EXPECT_EQ(records[0]["status"], "abandoned");
    EXPECT_EQ(records[0]["result"]["error"], "the packhost process running it ended before the execution finished");
}

TEST(Durability, ANativeActionInProgressIsListedAsRunning) {
    std::thread runner([] { packhost_cmd({"run", "core.sleep", "seconds=3"}); });
    json running = json::array();
    for (int i = 0; i < 100 && running.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        running = json::parse(
            packhost_cmd({"execution", "list", "--action", "core.sleep", "--status", "running", "--json"}).out);
    }
    runner.join();
    ASSERT_EQ(running.size(), 1u);
    EXPECT_EQ(running[0]["status"], "running");
}

TEST(Durability, SighupCancelsRunAndEndsItsChildren) {
    std::string pidfile = test_home() + "/hup.pid";
    fs::remove(pidfile);
    // A closed terminal used to kill `run` at once, leaving the child under
    // PID 1 and the record `running`.
    auto r = run_process(packhost_argv({"run", "core.local", "cmd=echo $$ > " + pidfile + "; exec sleep 30", "--json"}),
                         home_env(test_home()), "", SIGHUP, 1500);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    ASSERT_FALSE(r.out.empty()) << r.err;
    auto rec = json::parse(r.out);
    EXPECT_EQ(rec["status"], "canceled");
    pid_t child = read_pid(pidfile);
    ASSERT_GT(child, 0);
    EXPECT_FALSE(process_running(child)) << "the script was ended with its execution";
}

TEST(Durability, SighupStopsServeLikeSigterm) {
    auto r = run_process(packhost_argv({"serve", "--bind", "127.0.0.1:0"}), home_env(test_home()), "", SIGHUP, 1500);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "packhost stopping")) << r.out;
}

TEST(Durability, TheNextHostEndsWhatAKilledOneLeftRunning) {
    std::string pidfile = test_home() + "/orphan.pid";
    fs::remove(pidfile);
    // Killed once the script runs and the host has recorded its process
    // group (the record is written a moment after the process starts; a
    // host killed in between cannot know of it, which is not this test).
    auto recorded = [] {
        try {
            SQLite::Database db(test_home() + "/packhost.db", SQLite::OPEN_READONLY);
            return db.execAndGet("SELECT count(*) FROM executions WHERE process != ''").getInt() > 0;
        } catch (const std::exception&) {
            return false;
        }
    };
    auto killed = run_process_signal_when(
        packhost_argv({"run", "core.local", "cmd=echo $$ > " + pidfile + "; exec sleep 30"}), home_env(test_home()),
        SIGKILL, [&](const auto&) { return read_pid(pidfile) > 0 && recorded(); });
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
    pid_t child = read_pid(pidfile);
    ASSERT_GT(child, 0);
    ASSERT_TRUE(process_running(child)) << "kill -9 of the host leaves its script running";

    auto next = packhost_cmd({"execution", "list", "--action", "core.local", "--json"});
    EXPECT_TRUE(contains(next.err, "which it had left running")) << next.err;
    EXPECT_FALSE(process_running(child)) << "the next host to start ended it";
    auto records = json::parse(next.out);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0]["status"], "abandoned");
    EXPECT_TRUE(
        contains(records[0]["result"]["error"].get<std::string>(),
                 "; the processes it had left running (process group " + std::to_string(child) + ") were ended"))
        << records[0].dump(2);
}

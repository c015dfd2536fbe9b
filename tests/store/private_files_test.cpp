// Who can read what packhost keeps: the store, its WAL and SHM files and
// the secrets key belong to their owner alone, folders packhost creates
// are 0700, and a folder that exists keeps whatever mode it has.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/private_files.hpp"
#include "core/secret_box.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

class PrivateFiles : public ::testing::Test {
protected:
    // Not created yet: the first test checks the mode packhost gives it.
    void SetUp() override { fs::remove_all(dir_); }
    packhost::testing::TempDir temp_{"packhost-modes"};
    fs::path dir_ = temp_.path() / "state";
};

}  // namespace

TEST_F(PrivateFiles, TheStoreItsJournalAndTheFoldersPackhostMakesArePrivate) {
    auto home = dir_ / "home";
    {
        auto store = store::open_sqlite_store((home / "packhost.db").string());
        store::ExecutionRecord r;
        r.id = "0123456789abcdef01234567";
        r.action = "core.noop";
        r.status = packhost::core::Status::succeeded;
        r.start_us = r.end_us = 1;
        store->save(r);
        store->flush();
        EXPECT_EQ(mode_of(dir_), 0700u) << "created by packhost";
        EXPECT_EQ(mode_of(home), 0700u);
        EXPECT_EQ(mode_of(home / "packhost.db"), 0600u);
        ASSERT_TRUE(fs::exists(home / "packhost.db-wal"));
        EXPECT_EQ(mode_of(home / "packhost.db-wal"), 0600u);
        EXPECT_EQ(mode_of(home / "packhost.db-shm"), 0600u);
    }
    // A store an older packhost left readable by everyone is made private.
    ::chmod((home / "packhost.db").c_str(), 0644);
    auto again = store::open_sqlite_store((home / "packhost.db").string());
    EXPECT_EQ(mode_of(home / "packhost.db"), 0600u);
    EXPECT_TRUE(again->execution("0123456789abcdef01234567"));
}

TEST_F(PrivateFiles, AKeyFileInAnExistingFolderLeavesTheFolderAlone) {
    fs::create_directories(dir_ / "shared");
    ::chmod((dir_ / "shared").c_str(), 01777);  // like /tmp
    core::SecretBox::open(dir_ / "shared" / "packhost.key");
    EXPECT_EQ(mode_of(dir_ / "shared"), 01777u) << "an existing folder's mode is not packhost's to change";
    EXPECT_EQ(mode_of(dir_ / "shared" / "packhost.key"), 0600u);
    core::SecretBox::open(dir_ / "new" / "keys" / "packhost.key");
    EXPECT_EQ(mode_of(dir_ / "new"), 0700u);
    EXPECT_EQ(mode_of(dir_ / "new" / "keys"), 0700u);
}

TEST_F(PrivateFiles, AKeyReadableByOthersIsReported) {
    auto key = dir_ / "packhost.key";
    core::SecretBox::open(key);
    EXPECT_FALSE(core::readable_by_others(key));
    ::chmod(key.c_str(), 0644);
    EXPECT_TRUE(core::readable_by_others(key));
    std::ostringstream log;
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    auto box = core::SecretBox::open(key);  // still usable
    spdlog::set_default_logger(previous);
    std::string err = log.str();
    EXPECT_NE(err.find("the key that encrypts secrets is readable by other users; chmod 600 it"), std::string::npos)
        << err;
    EXPECT_EQ(box.unseal(box.seal("x")), "x");
    EXPECT_EQ(mode_of(key), 0644u) << "reported, not changed";
}

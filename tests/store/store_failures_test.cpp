// The store on a real full disk (a 2 MiB tmpfs): a write that fails is
// kept and tried again, reported to whoever waits for it and in health(),
// and goes through once there is room; a durable submit the store cannot
// record is refused and never runs.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "host.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

class FullDisk : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=2m"), 0)
            << "mounting a tmpfs needs root (the suite runs as root, as CI does)";
        mounted_ = true;
    }
    void TearDown() override {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    // A host with the bundled packs whose store is on the small disk.
    HostOptions host_options() const {
        HostOptions o;
        o.packs_path = {BUNDLED_PACKS_DIR};
        o.store_file = dir_ / "packhost.db";
        o.scheduler.workers = 1;
        return o;
    }
    packhost::testing::TempDir temp_{"packhost-fulldisk"};
    const fs::path& dir_ = temp_.path();
    bool mounted_ = false;
};

store::ExecutionRecord big_record(const std::string& id, size_t bytes) {
    store::ExecutionRecord r;
    r.id = id;
    r.action = "core.echo";
    r.runner_type = "native";
    r.status = packhost::core::Status::succeeded;
    r.parameters = {{"message", std::string(bytes, 'x')}};
    r.start_us = r.end_us = 1;
    return r;
}

}  // namespace

TEST_F(FullDisk, AFailedWriteIsReportedKeptAndWrittenOnceThereIsRoom) {
    auto store = store::open_sqlite_store((dir_ / "packhost.db").string());
    auto ticket = store->save(big_record("0123456789abcdef01234567", 3u << 20));
    EXPECT_THROW(store->wait_durable(ticket), store::StoreError);
    auto h = store->health();
    EXPECT_FALSE(h.ok);
    EXPECT_NE(h.last_error.find("database or disk is full"), std::string::npos) << h.last_error;
    EXPECT_GE(h.pending, 1u) << "kept, not dropped";
    try {
        store->flush();
        ADD_FAILURE() << "flush() reported success while the record was not written";
    } catch (const store::StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot write: database or disk is full"), std::string::npos) << e.what();
    }
    // Room again (the disk grows): the writer's next attempt goes through.
    ASSERT_EQ(::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, "size=16m"), 0);
    bool written = false;
    for (int i = 0; i < 100 && !written; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        written = store->health().ok;
    }
    ASSERT_TRUE(written);
    store->flush();
    auto back = store->execution("0123456789abcdef01234567");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->parameters["message"].get<std::string>().size(), 3u << 20);
}

TEST_F(FullDisk, ADurableRequestTheStoreCannotRecordIsRefusedAndNeverRuns) {
    Host host(host_options());
    std::string marker = (fs::temp_directory_path() / ("packhost-refused-" + std::to_string(::getpid()))).string();
    fs::remove(marker);
    executions::Request r;
    r.action = "core.local";
    // Parameters too large for the disk: the request's own record cannot be written.
    r.parameters = {{"cmd", "touch " + marker + " # " + std::string(3u << 20, 'x')}};
    r.durable = true;
    try {
        host.scheduler().submit(std::move(r));
        ADD_FAILURE() << "accepted although its record could not be written";
    } catch (const store::StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("database or disk is full"), std::string::npos) << e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(fs::exists(marker)) << "it never ran";
    fs::remove(marker);
}

TEST_F(FullDisk, WhenDurableIsToldOfTheFailureAndLaterOfNothingAlreadyWritten) {
    auto store = store::open_sqlite_store((dir_ / "packhost.db").string());
    auto small = store->save(big_record("0123456789abcdef0123456a", 10));
    store->wait_durable(small);
    std::exception_ptr at_once = std::make_exception_ptr(std::runtime_error("not called"));
    store->when_durable(small, [&](std::exception_ptr e) { at_once = e; });
    EXPECT_FALSE(at_once) << "already on disk: called at once, with no error";

    auto ticket = store->save(big_record("0123456789abcdef01234567", 3u << 20));
    std::promise<std::string> told;
    store->when_durable(ticket, [&](std::exception_ptr e) {
        try {
            if (e) std::rethrow_exception(e);
            told.set_value("no error");
        } catch (const store::StoreError& err) {
            told.set_value(err.what());
        }
    });
    auto f = told.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_NE(f.get().find("database or disk is full"), std::string::npos);
}

TEST_F(FullDisk, AnAsyncDurableRequestTheStoreCannotRecordIsRefusedAndNeverRuns) {
    Host host(host_options());
    std::string marker =
        (fs::temp_directory_path() / ("packhost-refused-async-" + std::to_string(::getpid()))).string();
    fs::remove(marker);
    executions::Request r;
    r.action = "core.local";
    r.parameters = {{"cmd", "touch " + marker + " # " + std::string(3u << 20, 'x')}};
    r.durable = true;
    std::promise<std::pair<std::string, std::string>> accepted;
    host.scheduler().submit(std::move(r), [&](const std::shared_ptr<executions::Execution>& e, std::exception_ptr err) {
        std::string why = "no error";
        try {
            if (err) std::rethrow_exception(err);
        } catch (const store::StoreError& se) {
            why = se.what();
        }
        accepted.set_value({why, std::string(core::to_string(e->status()))});
    });
    auto f = accepted.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto [why, status] = f.get();
    EXPECT_NE(why.find("database or disk is full"), std::string::npos) << why;
    EXPECT_EQ(status, "failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(fs::exists(marker)) << "it never ran";
    fs::remove(marker);
}

// The pack index keeps what a library described; a library mapped later
// must still describe itself the same way.
#include "packs/pack_index.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "host.hpp"
#include "packs/pack_error.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

HostOptions fixture_options() {
    HostOptions o;
    o.packs_path = {FIXTURE_PACKS_DIR};
    o.scheduler.workers = 2;
    return o;
}

}  // namespace

TEST(PackIndex, ADescriptionReadsBackAsItWasWritten) {
    Host host(fixture_options());
    const auto* good = host.catalog().find("good");
    ASSERT_NE(good, nullptr);
    auto description = packs::describe(*good->native);
    auto back = packs::from_description(Json::parse(description.dump()));
    EXPECT_EQ(packs::describe(back), description);
    EXPECT_EQ(back.actions.size(), good->native->actions.size());
    EXPECT_EQ(back.actions[0].invoke, nullptr) << "a description holds no function pointers";
    EXPECT_THROW(packs::from_description(Json{{"name", "good"}}), packs::PackError);
}

TEST(PackIndex, ALibraryThatNoLongerMatchesItsDescriptionIsNotUsed) {
    Host host(fixture_options());
    const auto* good = host.catalog().find("good");
    ASSERT_NE(good, nullptr);
    auto same = packs::LibraryLink(good->host_table->get(), {}, *good->native);
    EXPECT_FALSE(same.loaded());
    EXPECT_EQ(same.get().actions.size(), good->native->actions.size());
    EXPECT_NE(same.get().actions[0].invoke, nullptr);
    EXPECT_TRUE(same.loaded());

    auto changed = *good->native;
    changed.actions.pop_back();
    packs::LibraryLink stale(good->host_table->get(), {}, changed);
    try {
        stale.get();
        FAIL() << "a library describing other actions was used";
    } catch (const packs::PackError& e) {
        EXPECT_NE(std::string(e.what()).find("was replaced after packhost read it"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("libgood.so"), std::string::npos) << e.what();
    }
    EXPECT_THROW(stale.get(), packs::PackError) << "and says so every time";
}

TEST(PackIndex, StampsChangeWithTheFile) {
    fs::path dir = fs::temp_directory_path() / ("packhost-stamps-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path f = dir / "a.yaml";
    EXPECT_FALSE(packs::stamp_of(f).exists);
    { std::ofstream(f) << "one"; }
    auto before = packs::stamp_of(f);
    auto dir_before = packs::stamp_of(dir);
    EXPECT_TRUE(before.exists);
    EXPECT_EQ(packs::stamp_of(f), before);
    { std::ofstream(dir / "b.yaml") << "x"; }
    EXPECT_FALSE(packs::stamp_of(dir) == dir_before) << "a file added changes its folder's stamp";
    fs::remove(f);
    { std::ofstream(f) << "two"; }
    EXPECT_FALSE(packs::stamp_of(f) == before) << "same size, another file";
    fs::remove_all(dir);
}

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("packhost-index-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TempDir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

// A pack whose every text field holds what the index's own syntax uses.
packs::PackContent awkward_pack(const fs::path& dir) {
    fs::create_directories(dir / "actions");
    { std::ofstream(dir / "pack.yaml") << "ref: x\n"; }
    { std::ofstream(dir / "actions" / "a\tb.yaml") << "name: ab\n"; }
    packs::PackContent c;
    c.metadata.ref = "awk";
    c.metadata.name = "awk";
    c.metadata.description = "two\nlines,\ta tab, a \\t that is not one, and \\";
    c.metadata.version = "1.0.0";
    c.metadata.author = "A\rB";
    c.metadata.keywords = {"k\t1", "", "P\tnot a pack"};
    c.metadata.contributors = {"someone"};
    c.metadata.dir = dir;
    c.stamps = {packs::stamp_of(dir), packs::stamp_of(dir / "pack.yaml"), packs::stamp_of(dir / "missing.json")};
    packs::ActionFile a;
    a.file = dir / "actions" / "a\tb.yaml";
    a.name = "a\\b";
    a.meta = {{"name", "a\\b"}, {"description", "tab\there\nand there"}};
    a.stamp = packs::stamp_of(a.file);
    c.stamps.push_back(a.stamp);
    c.action_files.push_back(a);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // older than a clock tick: trusted
    return c;
}

}  // namespace

TEST(PackIndex, EveryFieldReadsBackAsItWasPut) {
    TempDir tmp;
    fs::path file = tmp.path / "index";
    fs::path dir = tmp.path / "packs" / "a\tpack";
    auto put = awkward_pack(dir);
    {
        auto index = packs::PackIndex::open(file, "build 1");
        index.put(dir, put);
        index.save({dir});
    }
    auto got = packs::PackIndex::open(file, "build 1").find(dir);
    ASSERT_TRUE(got);
    const auto& m = got->metadata;
    EXPECT_EQ(m.ref, "awk");
    EXPECT_EQ(m.description, put.metadata.description);
    EXPECT_EQ(m.author, "A\rB");
    EXPECT_EQ(m.keywords, put.metadata.keywords);
    EXPECT_TRUE(m.dependencies.empty());
    EXPECT_EQ(m.contributors, put.metadata.contributors);
    EXPECT_EQ(m.dir, dir);
    EXPECT_TRUE(got->stamps.empty()) << "checked, not handed back";
    ASSERT_EQ(got->action_files.size(), 1u);
    const auto& a = got->action_files[0];
    EXPECT_EQ(a.name, "a\\b");
    EXPECT_EQ(a.file, put.action_files[0].file);
    EXPECT_TRUE(a.meta.is_null()) << "fields are parsed when the action is built";
    EXPECT_EQ(a.parsed_meta(), put.action_files[0].meta);

    EXPECT_FALSE(packs::PackIndex::open(file, "build 2").find(dir)) << "another build starts afresh";
}

TEST(PackIndex, AFileChangedWithinAClockTickIsNotTrusted) {
    TempDir tmp;
    fs::path file = tmp.path / "index";
    fs::path dir = tmp.path / "p";
    auto content = awkward_pack(dir);
    { std::ofstream(dir / "pack.yaml") << "ref: z\n"; }  // just now
    content.stamps[1] = packs::stamp_of(dir / "pack.yaml");
    {
        auto index = packs::PackIndex::open(file, "b");
        index.put(dir, content);
        index.save({dir});
    }
    EXPECT_FALSE(packs::PackIndex::open(file, "b").find(dir));
}

TEST(PackIndex, AnEditedFileOrACutIndexReadsThatPackAgain) {
    TempDir tmp;
    fs::path file = tmp.path / "index";
    fs::path one = tmp.path / "one", two = tmp.path / "two";
    {
        auto index = packs::PackIndex::open(file, "b");
        index.put(one, awkward_pack(one));
        index.put(two, awkward_pack(two));
        index.save({one, two});
    }
    EXPECT_TRUE(packs::PackIndex::open(file, "b").find(one));
    EXPECT_TRUE(packs::PackIndex::open(file, "b").find(two));

    { std::ofstream(two / "pack.yaml") << "ref: yy\n"; }
    EXPECT_FALSE(packs::PackIndex::open(file, "b").find(two)) << "pack.yaml changed";

    fs::resize_file(file, fs::file_size(file) - 20);  // the last line of "two" cut short
    auto cut = packs::PackIndex::open(file, "b");
    EXPECT_TRUE(cut.find(one));
    EXPECT_FALSE(cut.find(two));
}

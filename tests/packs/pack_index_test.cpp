// The pack index keeps what a library described; a library mapped later
// must still describe itself the same way.
#include "packs/pack_index.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "host.hpp"
#include "packs/pack_error.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

HostOptions options() {
    HostOptions o;
    o.packs_path = {FIXTURE_PACKS_DIR};
    o.scheduler.workers = 2;
    return o;
}

}  // namespace

TEST(PackIndex, ADescriptionReadsBackAsItWasWritten) {
    Host host(options());
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
    Host host(options());
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

// The datastore over a real SQLite file and key: scopes, expiry, secrets
// encrypted at rest, and st2kv / decrypt_kv in templates.
#include "store/datastore.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "expr/template.hpp"

namespace fs = std::filesystem;
using namespace packhost;

namespace {

class Datastore : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("packhost-kv-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        store_ = store::open_sqlite_store((dir_ / "packhost.db").string());
        box_ = core::SecretBox::open(dir_ / "keys" / "packhost.key");
        ds_ = std::make_unique<store::Datastore>(*store_, *box_);
    }
    void TearDown() override {
        ds_.reset();
        store_.reset();
        fs::remove_all(dir_);
    }
    std::string file_bytes(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }

    fs::path dir_;
    std::unique_ptr<store::Store> store_;
    std::optional<core::SecretBox> box_;
    std::unique_ptr<store::Datastore> ds_;
};

using Opt = store::Datastore::Options;

}  // namespace

TEST_F(Datastore, SetGetListDelete) {
    ds_->set("project", "demo", {}, {});
    ds_->set("project_id", "42", {}, {});
    ds_->set("other", "x", {}, {});
    EXPECT_EQ(ds_->get("project", {})->value, "demo");
    auto listed = ds_->list("project", {});
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].name, "project");
    EXPECT_EQ(listed[1].name, "project_id");
    EXPECT_TRUE(ds_->remove("project", {}));
    EXPECT_FALSE(ds_->remove("project", {}));
    EXPECT_FALSE(ds_->get("project", {}));
    EXPECT_THROW(ds_->set("", "x", {}, {}), core::ValidationError);
    EXPECT_THROW(ds_->set("a", "x", {}, Opt{"global", "", false}), core::ValidationError);
}

TEST_F(Datastore, ScopesAreSeparate) {
    ds_->set("k", "shared", {}, {});
    ds_->set("k", "alice's", {}, Opt{"user", "alice", false});
    ds_->set("k", "bob's", {}, Opt{"user", "bob", false});
    EXPECT_EQ(ds_->get("k", {})->value, "shared");
    EXPECT_EQ(ds_->get("k", Opt{"user", "alice", false})->value, "alice's");
    EXPECT_EQ(ds_->get("k", Opt{"user", "bob", false})->value, "bob's");
    EXPECT_FALSE(ds_->get("k", Opt{"user", "carol", false}));
}

TEST_F(Datastore, ExpiredKeysAreGone) {
    ds_->set("short", "v", std::chrono::seconds(60), {});
    auto kv = ds_->get("short", {});
    ASSERT_TRUE(kv);
    EXPECT_NEAR(double(kv->expire_us - kv->updated_us), 60e6, 1);
    store::KeyValue past = *kv;
    past.expire_us = core::now_us() - 1;  // as if its minute had passed
    store_->kv_set(past);
    EXPECT_FALSE(ds_->get("short", {}));
    EXPECT_TRUE(ds_->list("", {}).empty());
}

TEST_F(Datastore, SecretsAreEncryptedAtRest) {
    const std::string plain = "p4ssw0rd-plaintext";
    ds_->set("db_password", plain, {}, Opt{"system", "", true});
    auto raw = ds_->get("db_password", {});
    EXPECT_TRUE(raw->secret);
    EXPECT_NE(raw->value, plain);
    EXPECT_EQ(ds_->get("db_password", Opt{"system", "", true})->value, plain);
    store_->flush();
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
        if (e.is_regular_file()) {
            EXPECT_EQ(file_bytes(e.path()).find(plain), std::string::npos) << e.path();
        }
    }
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "keys" / "packhost.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // The same key is read back, and a different key cannot open the value.
    auto again = core::SecretBox::open(dir_ / "keys" / "packhost.key");
    EXPECT_EQ(again.unseal(raw->value), plain);
    auto other = core::SecretBox::open(dir_ / "other.key");
    EXPECT_THROW(other.unseal(raw->value), std::runtime_error);
}

TEST_F(Datastore, TemplatesSeeSt2kv) {
    ds_->set("project", "demo", {}, {});
    ds_->set("token", "t0ken", {}, Opt{"system", "", true});
    ds_->set("pref", "dark", {}, Opt{"user", "stanley", false});
    packhost::Json vars = packhost::Json::object();
    expr::Context ctx(vars);
    ctx.set("st2kv", expr::Value::object(ds_->template_object("stanley")));
    auto render = [&](const char* t) { return expr::Template::compile(t)->render(ctx); };
    EXPECT_EQ(render("{{ st2kv.system.project | upper }}"), "DEMO");
    EXPECT_EQ(render("{{ st2kv.system.token | decrypt_kv }}"), "t0ken");
    EXPECT_NE(render("{{ st2kv.system.token }}"), "t0ken") << "encrypted until decrypt_kv";
    EXPECT_EQ(render("{{ st2kv.user.pref }}"), "dark");
    EXPECT_EQ(render("{{ st2kv.system.missing | default('none') }}"), "none");
    EXPECT_EQ(render("{{ 'plain' | decrypt_kv }}"), "plain");
}

TEST(SecretBoxRace, ProcessesCreatingTheKeyAtOnceShareOne) {
    auto dir = fs::temp_directory_path() / ("packhost-keyrace-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::vector<std::string> sealed(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sealed.size(); ++i) {
        threads.emplace_back([&, i] { sealed[i] = core::SecretBox::open(dir / "keys" / "k").seal("same"); });
    }
    for (auto& t : threads) t.join();
    auto box = core::SecretBox::open(dir / "keys" / "k");
    for (const auto& s : sealed) EXPECT_EQ(box.unseal(s), "same") << "every opener got the one key";
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir / "keys")) files += e.is_regular_file();
    EXPECT_EQ(files, 1u) << "no temporary file left behind";
    fs::remove_all(dir);
}

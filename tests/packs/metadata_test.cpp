// pack.yaml: StackStorm's required fields, strict semver, ref rules; every
// refusal names the file and the field.
#include "packs/metadata.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "packs/discovery.hpp"
#include "packs/pack_error.hpp"

namespace fs = std::filesystem;
using namespace packhost::packs;

namespace {

class PackYaml : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("packhost-meta-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string refusal(const std::string& yaml) {
        std::ofstream(dir_ / "pack.yaml") << yaml;
        try {
            read_pack_metadata(dir_);
        } catch (const PackError& e) {
            std::string msg = e.what();
            std::string prefix = (dir_ / "pack.yaml").string() + ": ";
            EXPECT_EQ(msg.rfind(prefix, 0), 0u) << msg;
            return msg.substr(prefix.size());
        }
        return "accepted";
    }

    fs::path dir_;
};

const char* kGood = "ref: my_pack\nname: My Pack\ndescription: d\nversion: 1.2.3\nauthor: me\n";

}  // namespace

TEST_F(PackYaml, ReadsStackStormFields) {
    std::ofstream(dir_ / "pack.yaml") << kGood << "email: me@example.com\nkeywords: [a, b]\n"
                                      << "dependencies: [core]\ncontributors: [\"X <x@y>\"]\n";
    auto m = read_pack_metadata(dir_);
    EXPECT_EQ(m.ref, "my_pack");
    EXPECT_EQ(m.name, "My Pack");
    EXPECT_EQ(m.version, "1.2.3");
    EXPECT_EQ(m.email, "me@example.com");
    EXPECT_EQ(m.keywords, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(m.dependencies, (std::vector<std::string>{"core"}));
    EXPECT_EQ(m.contributors.size(), 1u);
}

TEST_F(PackYaml, RefDefaultsToAValidName) {
    std::ofstream(dir_ / "pack.yaml") << "name: plain\ndescription: d\nversion: 0.1.0\nauthor: me\n";
    EXPECT_EQ(read_pack_metadata(dir_).ref, "plain");
}

TEST_F(PackYaml, Refusals) {
    EXPECT_EQ(refusal("name: x\ndescription: d\nversion: 1.0.0\n"), "required field 'author' is missing");
    EXPECT_EQ(refusal("name: x\nversion: 1.0.0\nauthor: a\n"), "required field 'description' is missing");
    EXPECT_EQ(refusal("name: x\ndescription: d\nauthor: a\n"), "required field 'version' is missing");
    EXPECT_EQ(refusal("description: d\nversion: 1.0.0\nauthor: a\n"), "required field 'name' is missing");
    EXPECT_EQ(refusal("name: x\ndescription: ''\nversion: 1.0.0\nauthor: a\n"),
              "required field 'description' is empty");
    EXPECT_EQ(refusal("name: x\ndescription: d\nversion: '1.0'\nauthor: a\n"),
              "version \"1.0\" is not semver (MAJOR.MINOR.PATCH, e.g. \"1.0.0\")");
    EXPECT_EQ(refusal("name: x\ndescription: d\nversion: 1.0.0.1\nauthor: a\n"),
              "version \"1.0.0.1\" is not semver (MAJOR.MINOR.PATCH, e.g. \"1.0.0\")");
    EXPECT_EQ(refusal("ref: Bad-Ref\nname: x\ndescription: d\nversion: 1.0.0\nauthor: a\n"),
              "ref \"Bad-Ref\" must match ^[a-z0-9_]+$");
    EXPECT_EQ(refusal("name: My Pack\ndescription: d\nversion: 1.0.0\nauthor: a\n"),
              "field 'ref' is missing and name \"My Pack\" is not a valid ref (^[a-z0-9_]+$); add a 'ref'");
    EXPECT_EQ(refusal("ref: _global\nname: x\ndescription: d\nversion: 1.0.0\nauthor: a\n"),
              "ref \"_global\" is reserved");
    EXPECT_EQ(refusal("name: [x]\ndescription: d\nversion: 1.0.0\nauthor: a\n"), "field 'name' must be a string");
    EXPECT_EQ(refusal(std::string(kGood) + "keywords: a\n"), "field 'keywords' must be a list");
    EXPECT_EQ(refusal("- just\n- a list\n"), "must be a mapping of fields");
    EXPECT_EQ(refusal("name: x\ndescription: [unclosed\n"),
              "invalid YAML at line 3, column 1: end of sequence flow not found");
}

TEST(Discovery, SearchPath) {
    EXPECT_EQ(parse_search_path("a::b:"), (std::vector<fs::path>{"a", "b"}));
    EXPECT_TRUE(parse_search_path("").empty());
}

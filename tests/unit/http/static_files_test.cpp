#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace parley::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("parley-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html>app";
    std::ofstream(root_ / "assets" / "app.js") << "console.log(1)";
    std::ofstream(root_.parent_path() / "secret.txt") << "secret";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirTypes) {
  StaticFiles files(root_.string());
  auto js = files.serve("/assets/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->headers[0].value, "text/javascript; charset=utf-8");
  auto index = files.serve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<!doctype html>app");
}

TEST_F(StaticFilesTest, ClientRoutesGetTheAppAndMissingAssetsDoNot) {
  StaticFiles files(root_.string());
  EXPECT_EQ(files.serve("/admin")->body, "<!doctype html>app");
  EXPECT_EQ(files.serve("/rooms/7")->body, "<!doctype html>app");
  EXPECT_FALSE(files.serve("/assets/missing.js"));
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  StaticFiles files(root_.string());
  EXPECT_FALSE(files.serve("/../secret.txt"));
  EXPECT_FALSE(files.serve("/%2e%2e/secret.txt"));
  EXPECT_FALSE(files.serve("/assets/../../secret.txt"));
  EXPECT_FALSE(files.serve("/a%00b"));
}

TEST(StaticFiles, DisabledWithoutAnIndex) {
  EXPECT_FALSE(StaticFiles("").enabled());
  EXPECT_FALSE(StaticFiles("/nonexistent-dir").enabled());
}

}  // namespace
}  // namespace parley::http

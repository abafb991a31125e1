#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace parley::store {
namespace {

constexpr std::array<const char*, 3> kScripts = {"one", "two", "three"};

std::vector<std::string> applied_from(int version) {
  std::vector<std::string> applied;
  apply_migrations(
      kScripts, [&] { return version; },
      [&](int next, const char* sql) {
        EXPECT_EQ(next, version + static_cast<int>(applied.size()));
        applied.emplace_back(sql);
      });
  return applied;
}

TEST(Migrations, RunsEveryNewerScriptInOrder) {
  EXPECT_EQ(applied_from(0), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(applied_from(2), (std::vector<std::string>{"three"}));
  EXPECT_TRUE(applied_from(3).empty());
}

TEST(Migrations, ANewerDatabaseIsRefusedBeforeAnythingRuns) {
  bool ran = false;
  try {
    apply_migrations(
        kScripts, [] { return 5; }, [&](int, const char*) { ran = true; });
    FAIL() << "a database of version 5 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(
        "database schema version 5 is newer than this binary (3)"))
        << e.what();
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace parley::store

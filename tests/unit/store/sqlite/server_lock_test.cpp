#include "store/sqlite/server_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "../temp_dir.hpp"

namespace parley::store {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ServerLock, RecordsTheHolderPid) {
  test::TempDir dir;
  ServerLock lock(dir.file("parley.db"), 0ms);
  EXPECT_EQ(lock.path(), dir.file("parley.db.lock"));
  EXPECT_EQ(read_file(lock.path()), std::to_string(getpid()) + "\n");
}

TEST(ServerLock, ASecondServerOnTheSameDatabaseIsRefusedWithTheHoldersPid) {
  test::TempDir dir;
  ServerLock first(dir.file("parley.db"), 0ms);
  try {
    ServerLock second(dir.file("parley.db"), 100ms);
    FAIL() << "a second lock on the same database was granted";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("another parley server (pid " + std::to_string(getpid()) + ")"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(dir.file("parley.db")), std::string::npos) << what;
  }
  // Another database is unaffected.
  ServerLock other(dir.file("other.db"), 0ms);
}

TEST(ServerLock, IsFreeAgainOnceTheHolderIsGone) {
  test::TempDir dir;
  { ServerLock first(dir.file("parley.db"), 0ms); }
  ServerLock again(dir.file("parley.db"), 0ms);
  EXPECT_EQ(read_file(again.path()), std::to_string(getpid()) + "\n");
}

TEST(ServerLock, WaitsForAHolderThatIsShuttingDown) {
  test::TempDir dir;
  auto first = std::make_unique<ServerLock>(dir.file("parley.db"), 0ms);
  std::promise<void> waiting;
  auto second = std::async(std::launch::async, [&] {
    waiting.set_value();
    return std::make_unique<ServerLock>(dir.file("parley.db"), 30s);
  });
  waiting.get_future().wait();
  // The second one cannot have it while the first still holds it.
  EXPECT_EQ(second.wait_for(200ms), std::future_status::timeout);
  first.reset();
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  EXPECT_NE(second.get(), nullptr);
}

TEST(ServerLock, CreatesTheDatabaseFolder) {
  test::TempDir dir;
  ServerLock lock(dir.file("nested/deeper/parley.db"), 0ms);
  EXPECT_EQ(lock.path(), dir.file("nested/deeper/parley.db.lock"));
}

}  // namespace
}  // namespace parley::store

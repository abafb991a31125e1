#pragma once
// Fresh PostgreSQL databases on one throwaway server per test binary, and helpers to disturb
// their sessions.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "postgres_server.hpp"

namespace parley::store::test {

// One server for the whole test binary, started on first use and stopped at exit.
inline PostgresServer& server() {
  static PostgresServer instance;
  return instance;
}

// A fresh database of the shared server, dropped when the object goes away.
class TempDatabase {
 public:
  TempDatabase() : url_(server().create_database()) {}
  ~TempDatabase() {
    try {
      server().exec("postgres", "DROP DATABASE " + name() + " WITH (FORCE)");
    } catch (const std::exception&) {
      // Best effort: the server and its directory go away at exit anyway.
    }
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  const std::string& url() const noexcept { return url_; }
  std::string name() const { return url_.substr(url_.rfind('/') + 1); }
  // Runs SQL in this database as the superuser.
  std::string exec(const std::string& sql) const { return server().exec(name(), sql); }

 private:
  std::string url_;
};

// Polls `condition` until true or the deadline passes.
template <typename Condition>
bool eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Terminates every session of `db` but the caller's and waits until they are gone.
inline void terminate_sessions(const TempDatabase& db, const char* extra_condition = "TRUE") {
  std::string where = "datname = current_database() AND pid <> pg_backend_pid() AND " +
                      std::string(extra_condition);
  db.exec("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE " + where);
  ASSERT_TRUE(eventually(
      [&] { return db.exec("SELECT count(*) FROM pg_stat_activity WHERE " + where) == "0"; }));
}

}  // namespace parley::store::test

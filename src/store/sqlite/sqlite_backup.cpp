#include "store/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "store/sqlite/sqlite_migrations.hpp"

namespace parley::store {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 10'000;
constexpr int kBusyRetries = 100;

// An open database handle, closed on scope exit.
class Handle {
 public:
  Handle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + path + ": " + why);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  }
  ~Handle() { sqlite3_close(db_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  sqlite3* get() const noexcept { return db_; }

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string why = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw std::runtime_error(std::string(sql) + ": " + why);
    }
  }

  // The first column of the first row of `sql`, as text ("" when there is none).
  std::string text(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db_));
    std::string out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* t = sqlite3_column_text(stmt, 0);
      if (t) out = reinterpret_cast<const char*>(t);
    } else if (rc != SQLITE_DONE) {
      std::string why = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      throw std::runtime_error(std::string(sql) + ": " + why);
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Copies everything of `from` into `to` in one step: one read transaction on `from`.
void copy_database(Handle& from, Handle& to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (backup == nullptr) throw std::runtime_error(what + ": " + sqlite3_errmsg(to.get()));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < kBusyRetries; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw std::runtime_error(what + ": " + std::string(sqlite3_errstr(rc)));
}

// quick_check, the schema version, the message count. Throws when it is not a Parley database
// this binary can run on.
SqliteBackupSummary inspect(Handle& db, const std::string& path) {
  const std::string check = db.text("PRAGMA quick_check");
  if (check != "ok") throw std::runtime_error(path + " is damaged: quick_check says " + check);
  SqliteBackupSummary s;
  s.schema_version = std::stoi(db.text("PRAGMA user_version"));
  if (s.schema_version == 0 ||
      db.text("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'messages'").empty())
    throw std::runtime_error(path + " is not a Parley database");
  if (s.schema_version > sqlite_schema_version())
    throw std::runtime_error(path + " has schema version " + std::to_string(s.schema_version) +
                             ", newer than this binary's " +
                             std::to_string(sqlite_schema_version()) +
                             ": restore it with the parley release that made it");
  s.messages = std::stoll(db.text("SELECT COUNT(*) FROM messages"));
  return s;
}

void fsync_path(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot sync " + path.string());
}

fs::path parent_of(const fs::path& p) {
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

}  // namespace

SqliteBackupSummary backup_sqlite(const std::string& database_path,
                                  const std::string& target_path) {
  if (!fs::exists(database_path)) throw std::runtime_error("no database at " + database_path);
  const fs::path target(target_path);
  const fs::path partial = target.string() + ".partial";
  fs::remove(partial);
  SqliteBackupSummary summary;
  try {
    Handle source(database_path, SQLITE_OPEN_READWRITE);
    Handle copy(partial.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    copy_database(source, copy, "backup of " + database_path);
    // A self-contained file: no -wal beside it.
    copy.exec("PRAGMA journal_mode = DELETE");
    summary = inspect(copy, partial.string());
  } catch (...) {
    fs::remove(partial);
    throw;
  }
  fsync_path(partial, false);
  fs::rename(partial, target);
  fsync_path(parent_of(target), true);
  summary.bytes = static_cast<std::int64_t>(fs::file_size(target));
  return summary;
}

SqliteBackupSummary restore_sqlite(const std::string& backup_path,
                                   const std::string& database_path) {
  if (!fs::exists(backup_path)) throw std::runtime_error("no backup at " + backup_path);
  const fs::path database(database_path);
  const fs::path incoming = database.string() + ".restoring";
  fs::remove(incoming);
  SqliteBackupSummary summary;
  try {
    Handle backup(backup_path, SQLITE_OPEN_READONLY);
    summary = inspect(backup, backup_path);
    Handle copy(incoming.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    copy_database(backup, copy, "copy of " + backup_path);
    copy.exec("PRAGMA journal_mode = DELETE");
  } catch (...) {
    fs::remove(incoming);
    throw;
  }
  fsync_path(incoming, false);
  if (fs::exists(database)) {
    // Fold the old WAL in, so that the kept copy is whole and no -wal of it outlives the swap.
    {
      Handle old(database.string(), SQLITE_OPEN_READWRITE);
      old.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      old.exec("PRAGMA journal_mode = DELETE");
    }
    fs::rename(database, database.string() + ".before-restore");
  }
  fs::remove(database.string() + "-wal");
  fs::remove(database.string() + "-shm");
  fs::rename(incoming, database);
  fsync_path(parent_of(database), true);
  summary.bytes = static_cast<std::int64_t>(fs::file_size(database));
  return summary;
}

}  // namespace parley::store

#pragma once
// Online backup and restore of the SQLite database (`parley backup` / `parley restore`).
// A backup is one read transaction on the live database (SQLite's backup API in a single step),
// so it is a consistent snapshot holding every commit made before it began, taken while the
// server keeps writing (WAL: readers and the writer do not block each other).

#include <cstdint>
#include <string>

namespace parley::store {

struct SqliteBackupSummary {
  int schema_version = 0;
  std::int64_t messages = 0;
  std::int64_t bytes = 0;
};

// Copies the database at `database_path` into `target_path` (written beside it as
// `target_path.partial`, checked with quick_check, fsynced, then renamed into place). Throws
// std::runtime_error saying what failed; the target is then left untouched.
SqliteBackupSummary backup_sqlite(const std::string& database_path, const std::string& target_path);

// Checks that `backup_path` is an intact Parley database whose schema this binary knows, then
// makes it the database at `database_path`: the current one (checkpointed first) is kept as
// `database_path.before-restore`. The caller must hold the server lock. Throws
// std::runtime_error saying why it refused; nothing is changed then.
SqliteBackupSummary restore_sqlite(const std::string& backup_path,
                                   const std::string& database_path);

}  // namespace parley::store

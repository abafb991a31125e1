#include "cli/backup.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "store/open_store.hpp"
#include "store/sqlite/server_lock.hpp"
#include "store/sqlite/sqlite_backup.hpp"

namespace parley::cli {
namespace {

std::optional<std::string> sqlite_file(const config::Config& c, const char* command) {
  auto path = store::sqlite_path(c.database, c.data_dir);
  if (!path)
    std::cerr << "parley " << command
              << ": the database is PostgreSQL; back it up with pg_dump and restore it with "
                 "pg_restore (docs/operations.md, Backup)\n";
  return path;
}

void print(const char* what, const std::string& file, const store::SqliteBackupSummary& s) {
  std::cout << what << " " << file << ": " << s.messages << " messages, schema version "
            << s.schema_version << ", " << s.bytes << " bytes\n";
}

}  // namespace

int backup(const config::Invocation& inv) {
  auto path = sqlite_file(inv.config, "backup");
  if (!path) return 2;
  print("backup written to", inv.backup_file, store::backup_sqlite(*path, inv.backup_file));
  return 0;
}

int restore(const config::Invocation& inv) {
  auto path = sqlite_file(inv.config, "restore");
  if (!path) return 2;
  const auto parent = std::filesystem::path(*path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::optional<store::ServerLock> lock;
  try {
    lock.emplace(*path, std::chrono::milliseconds(0));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "; stop the server before restoring");
  }
  print("restored", *path, store::restore_sqlite(inv.backup_file, *path));
  std::cout << "the previous database is kept as " << *path << ".before-restore\n";
  return 0;
}

}  // namespace parley::cli

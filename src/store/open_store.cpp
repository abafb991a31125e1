#include "store/open_store.hpp"

#include <filesystem>
#include <stdexcept>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store {

std::optional<std::string> sqlite_path(const std::string& database_url,
                                       const std::string& data_dir) {
  if (database_url.empty()) return (std::filesystem::path(data_dir) / "parley.db").string();
  if (database_url.rfind("sqlite:", 0) == 0) return database_url.substr(7);
  return std::nullopt;
}

std::unique_ptr<Store> open_store(const std::string& database_url, const std::string& data_dir,
                                  Durability durability) {
  if (auto path = sqlite_path(database_url, data_dir)) {
    if (auto parent = std::filesystem::path(*path).parent_path(); !parent.empty())
      std::filesystem::create_directories(parent);
    return std::make_unique<SqliteStore>(*path, durability);
  }
  // On PostgreSQL --durability does not apply: the server's own settings (synchronous_commit) rule.
  if (database_url.rfind("postgres://", 0) == 0 || database_url.rfind("postgresql://", 0) == 0)
    return std::make_unique<PostgresStore>(database_url);
  throw std::runtime_error("--database: expected sqlite:PATH or postgres://...");
}

}  // namespace parley::store

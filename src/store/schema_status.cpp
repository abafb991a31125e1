#include "store/schema_status.hpp"

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "store/open_store.hpp"
#include "store/postgres/postgres_connection.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_migrations.hpp"

namespace parley::store {
namespace {

constexpr int kBusyTimeoutMs = 5'000;

std::string without_password(const std::string& url) {
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]+):[^@]*@)");
  return std::regex_replace(url, password, "$1:***@");
}

}  // namespace

SchemaStatus read_schema_status(const std::string& database_url, const std::string& data_dir) {
  SchemaStatus status;
  if (auto path = sqlite_path(database_url, data_dir)) {
    status.backend = "sqlite";
    status.location = *path;
    status.binary = sqlite_schema_version();
    status.exists = std::filesystem::exists(*path);
    if (status.exists) {
      SqliteConnection connection(*path, false, kBusyTimeoutMs);
      status.database = sqlite_database_version(connection);
    }
    return status;
  }
  if (database_url.rfind("postgres://", 0) != 0 && database_url.rfind("postgresql://", 0) != 0)
    throw std::runtime_error("--database: expected sqlite:PATH or postgres://...");
  status.backend = "postgres";
  status.location = without_password(database_url);
  status.binary = postgres_schema_version();
  status.exists = true;
  PostgresConnection connection(database_url);
  status.database = postgres_database_version(connection);
  return status;
}

}  // namespace parley::store

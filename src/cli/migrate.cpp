#include "cli/migrate.hpp"

#include <exception>
#include <iostream>

#include "store/open_store.hpp"
#include "store/schema_status.hpp"

namespace parley::cli {

int migrate(const config::Invocation& inv) {
  const auto& c = inv.config;
  store::SchemaStatus status;
  try {
    status = store::read_schema_status(c.database, c.data_dir);
  } catch (const std::exception& e) {
    std::cerr << "parley migrate: " << e.what() << "\n";
    return 1;
  }
  std::cout << "database: " << status.backend << " " << status.location
            << (status.exists ? "" : " (not created yet)") << "\n"
            << "schema version: " << status.database << " (this binary: " << status.binary << ")\n";
  if (status.database > status.binary) {
    std::cerr << "parley migrate: the database is newer than this binary; run the newer "
                 "binary, or restore the backup taken before the upgrade\n";
    return 1;
  }
  if (status.database == status.binary) {
    std::cout << "up to date\n";
    return 0;
  }
  std::cout << (inv.dry_run ? "would apply" : "applying") << " migrations " << status.database + 1
            << " to " << status.binary << "\n";
  if (inv.dry_run) return 0;
  try {
    // Opening the store applies the missing migrations (PostgreSQL: under the migration lock).
    auto store = store::open_store(
        c.database, c.data_dir,
        c.durability == "normal" ? store::Durability::normal : store::Durability::full);
  } catch (const std::exception& e) {
    std::cerr << "parley migrate: " << e.what() << "\n";
    return 1;
  }
  std::cout << "schema version: " << status.binary << "\n";
  return 0;
}

}  // namespace parley::cli

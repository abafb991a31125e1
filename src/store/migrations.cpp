#include "store/migrations.hpp"

#include <stdexcept>
#include <string>

namespace parley::store {

void apply_migrations(Migrations migrations, const std::function<int()>& read_version,
                      const std::function<void(int next, const char* sql)>& apply) {
  const int known = static_cast<int>(migrations.size());
  const int version = read_version();
  if (version > known) {
    // Refused before anything is written: a rollback must not touch a newer schema.
    throw std::runtime_error("database schema version " + std::to_string(version) +
                             " is newer than this binary (" + std::to_string(known) +
                             "): a newer parley has upgraded it. Run that release or a newer one, "
                             "or restore the backup taken before the upgrade "
                             "(docs/operations.md, Rollback); the database was not changed");
  }
  for (int next = version; next < known; ++next)
    apply(next, migrations[static_cast<std::size_t>(next)]);
}

}  // namespace parley::store

#include "store/migrations.hpp"

#include <stdexcept>
#include <string>

#include "common/clock.hpp"
#include "observability/log.hpp"

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
  for (int next = version; next < known; ++next) {
    // Some migrations rebuild an index over every stored message (search): on a large database
    // these lines are the progress an operator sees.
    const std::int64_t started_us = monotonic_us();
    if (version > 0)
      obs::log_info("applying schema migration",
                    {obs::field("version", next + 1), obs::field("of", known)});
    apply(next, migrations[static_cast<std::size_t>(next)]);
    if (version > 0)
      obs::log_info("schema migration applied",
                    {obs::field("version", next + 1),
                     obs::field("duration_ms", (monotonic_us() - started_us) / 1000)});
  }
}

}  // namespace parley::store

#pragma once
// What `parley migrate` reports: which backend a --database URL names, the schema version of the
// database and the one this binary migrates to, read without changing anything.

#include <string>

namespace parley::store {

struct SchemaStatus {
  std::string backend;   // "sqlite" or "postgres"
  std::string location;  // the SQLite file, or the PostgreSQL URL without its password
  bool exists = false;   // false: a SQLite file not created yet (version 0)
  int database = 0;      // migrations applied to the database
  int binary = 0;        // migrations this binary knows
};

// Throws std::runtime_error when the database cannot be reached or the URL is unsupported.
SchemaStatus read_schema_status(const std::string& database_url, const std::string& data_dir);

}  // namespace parley::store

#pragma once
// Opens the store a --database URL names (SQLite in the data directory by default).

#include <memory>
#include <optional>
#include <string>

#include "store/durability.hpp"
#include "store/store.hpp"

namespace parley::store {

// `database_url`: empty or "sqlite:PATH" (SQLite; empty means DATA_DIR/parley.db), or
// postgres://... / postgresql://... (PostgreSQL; `durability` does not apply there). Throws
// std::runtime_error for an unsupported URL or when the database cannot be opened.
// The SQLite file `database_url` names (see open_store), or nothing for PostgreSQL.
std::optional<std::string> sqlite_path(const std::string& database_url,
                                       const std::string& data_dir);

std::unique_ptr<Store> open_store(const std::string& database_url, const std::string& data_dir,
                                  Durability durability);

}  // namespace parley::store

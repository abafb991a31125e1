#include "store/sqlite/sqlite_error.hpp"

#include <stdexcept>
#include <string>

#include "store/store_unavailable.hpp"

namespace parley::store {

namespace {

bool is_environmental(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
    case SQLITE_PERM:
      return true;
    default:
      return false;
  }
}

}  // namespace

void throw_sqlite_error(sqlite3* db, int code, std::string_view what) {
  std::string message = "sqlite: ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (is_environmental(code)) throw StoreUnavailable(message);
  throw std::runtime_error(message);
}

}  // namespace parley::store

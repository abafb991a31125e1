#include "store/postgres/postgres_connection.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "store/postgres/postgres_error.hpp"
#include "store/store_unavailable.hpp"

namespace parley::store {

namespace {

// Rows per pipeline sync. Bounds what is in flight: the server's results for one chunk (a few
// KiB) always fit its socket buffer, so it never blocks writing while we are still sending.
constexpr std::size_t kPipelineChunk = 128;

std::string trimmed(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// SQLSTATEs that describe the server's condition rather than the statement: the caller answers
// `unavailable` and may retry later.
bool is_environmental(std::string_view sqlstate) {
  return sqlstate.starts_with("08")      // connection exception
         || sqlstate.starts_with("53")   // insufficient resources (disk full, too many clients)
         || sqlstate.starts_with("57P")  // server shutting down, crashed, database dropped
         || sqlstate.starts_with("58")   // system / I/O error
         || sqlstate == "57014"          // statement cancelled (timeout)
         || sqlstate == "40001"          // serialization failure
         || sqlstate == "40P01"          // deadlock detected
         || sqlstate == "55P03";         // lock not available
}

// The server ends the session after these, even if libpq has not noticed yet.
bool ends_session(std::string_view sqlstate) {
  return sqlstate.empty() || sqlstate.starts_with("08") || sqlstate.starts_with("57P");
}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& url) {
  // Keywords before "dbname" are defaults: whatever the URL itself sets wins over them.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "parley", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (conn_ == nullptr) throw StoreUnavailable("postgres: out of memory while connecting");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "postgres: cannot connect: " + trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable(message);
  }
  // Notices ("already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PostgresResult PostgresConnection::check(PGresult* raw, std::string_view what) {
  PostgresResult result(raw);
  ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;

  const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  std::string message = "postgres: ";
  message += what;
  message += ": ";
  message +=
      trimmed(raw != nullptr && *PQresultErrorMessage(raw) != '\0' ? PQresultErrorMessage(raw)
                                                                   : PQerrorMessage(conn_));
  if (ends_session(sqlstate) || PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    throw StoreUnavailable(message);
  }
  if (is_environmental(sqlstate)) throw StoreUnavailable(message);
  throw PostgresError(sqlstate, message);
}

void PostgresConnection::exec(const char* sql) {
  check(PQexec(conn_, sql), sql);
}

const std::string& PostgresConnection::prepared(std::string_view sql, int params) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  // Appended, not "s" + ...: dodges GCC 12's false -Wrestrict on operator+.
  std::string name = "s";
  name += std::to_string(statements_.size());
  std::string text(sql);
  check(PQprepare(conn_, name.c_str(), text.c_str(), params, nullptr), "prepare");
  return statements_.emplace(std::move(text), std::move(name)).first->second;
}

PostgresResult PostgresConnection::query(std::string_view sql,
                                         std::initializer_list<PostgresParam> params) {
  int count = static_cast<int>(params.size());
  const std::string& name = prepared(sql, count);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PostgresParam& param : params) values.push_back(param.c_str());
  return check(PQexecPrepared(conn_, name.c_str(), count, values.data(), nullptr, nullptr, 0), sql);
}

std::vector<PostgresResult> PostgresConnection::query_pipelined(
    std::string_view sql, const std::vector<std::vector<PostgresParam>>& rows) {
  std::vector<PostgresResult> results;
  if (rows.empty()) return results;
  int count = static_cast<int>(rows.front().size());
  const std::string& name = prepared(sql, count);
  results.reserve(rows.size());
  auto lost = [&](const char* what) {
    broken_ = true;
    throw StoreUnavailable(std::string("postgres: ") + what + ": " +
                           trimmed(PQerrorMessage(conn_)));
  };
  if (PQenterPipelineMode(conn_) != 1) lost("cannot enter pipeline mode");
  try {
    std::vector<const char*> values;
    for (std::size_t begin = 0; begin < rows.size(); begin += kPipelineChunk) {
      std::size_t end = std::min(rows.size(), begin + kPipelineChunk);
      for (std::size_t i = begin; i < end; ++i) {
        values.clear();
        for (const PostgresParam& param : rows[i]) values.push_back(param.c_str());
        if (PQsendQueryPrepared(conn_, name.c_str(), count, values.data(), nullptr, nullptr, 0) !=
            1) {
          lost("send");
        }
      }
      if (PQpipelineSync(conn_) != 1) lost("sync");
      for (std::size_t i = begin; i < end; ++i) {
        results.push_back(check(PQgetResult(conn_), sql));
        if (PGresult* extra = PQgetResult(conn_); extra != nullptr) {  // ends this statement
          PQclear(extra);
          lost("unexpected result in pipeline");
        }
      }
      PGresult* sync = PQgetResult(conn_);
      bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
      PQclear(sync);
      if (!synced) lost("pipeline sync");
    }
  } catch (...) {
    broken_ = true;
    throw;
  }
  if (PQexitPipelineMode(conn_) != 1) lost("cannot leave pipeline mode");
  return results;
}

}  // namespace parley::store

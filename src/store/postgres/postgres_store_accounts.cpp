// PostgresStore's account security: refresh tokens and the sessions they belong to, passwords,
// deactivation, two-factor. (Users, rooms and messages: postgres_store.cpp.)
//
// Ending a session and rotating one of its tokens both lock the session row first (UPDATE, or
// SELECT ... FOR UPDATE), so they serialise: a rotation either finishes before the session ends
// (and its new token is then revoked with the family, by a later statement that sees it) or finds
// the session ended.

#include <stdexcept>

#include "store/postgres/postgres_row.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/postgres_transaction.hpp"
#include "store/row_mappers.hpp"

namespace parley::store {

using domain::User;

namespace {

// Ends the session (if live) and revokes every refresh token of its family, inside the caller's
// transaction. true when it was live.
bool end_session_on(PostgresConnection& connection, std::int64_t session_id, std::int64_t now_ms) {
  bool ended = connection
                   .query(
                       "UPDATE sessions SET ended_at = $2 WHERE id = $1::bigint AND "
                       "ended_at IS NULL",
                       {session_id, now_ms})
                   .affected() > 0;
  connection.query(
      "UPDATE refresh_tokens SET revoked = TRUE WHERE family = "
      "(SELECT family FROM sessions WHERE id = $1::bigint)",
      {session_id});
  return ended;
}

template <typename Read>
auto read_all(const PostgresResult& result, Read read) {
  std::vector<decltype(read(PostgresRow(result, 0)))> out;
  out.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) out.push_back(read(PostgresRow(result, row)));
  return out;
}

}  // namespace

// --- users ---

std::optional<Credentials> PostgresStore::credentials_of(std::int64_t user_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT id, username, role, created_at, deactivated, password_hash FROM users "
      "WHERE id = $1::bigint",
      {user_id});
  if (result.empty()) return std::nullopt;
  return Credentials{read_user(PostgresRow(result, 0)), result.text(0, 5)};
}

bool PostgresStore::set_password_hash(std::int64_t user_id, std::string_view password_hash) {
  auto connection = pool_.acquire();
  return connection
             ->query("UPDATE users SET password_hash = $2 WHERE id = $1::bigint",
                     {user_id, password_hash})
             .affected() > 0;
}

std::optional<User> PostgresStore::set_deactivated(std::int64_t user_id, bool deactivated) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "UPDATE users SET deactivated = $2 WHERE id = $1::bigint "
      "RETURNING id, username, role, created_at, deactivated",
      {user_id, PostgresParam::boolean(deactivated)});
  if (result.empty()) return std::nullopt;
  return read_user(PostgresRow(result, 0));
}

std::vector<User> PostgresStore::list_users(std::int64_t after_id, int limit) {
  if (limit <= 0) return {};
  auto connection = pool_.acquire();
  auto result = connection->query(
      std::string(kSelectUsers) + "WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint",
      {after_id, static_cast<std::int64_t>(limit)});
  return read_all(result, read_user<PostgresRow>);
}

// --- refresh tokens ---

void PostgresStore::insert_refresh_token(std::string_view token_hash, std::int64_t user_id,
                                         std::string_view family, std::int64_t expires_at_ms) {
  auto connection = pool_.acquire();
  connection->query(
      "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
      "VALUES ($1, $2, $3, $4)",
      {token_hash, user_id, family, expires_at_ms});
}

RotateResult PostgresStore::rotate_refresh_token(std::string_view old_hash,
                                                 std::string_view new_hash, std::int64_t now_ms,
                                                 std::int64_t new_expires_at_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  // The session row first (see the top of this file), then the token. FOR UPDATE on the token: a
  // concurrent rotation of the same token waits, then sees it used (-> reused).
  auto session = connection->query(
      "SELECT s.id, s.ended_at IS NOT NULL FROM sessions s JOIN refresh_tokens t "
      "ON t.family = s.family WHERE t.token_hash = $1 FOR UPDATE OF s",
      {old_hash});
  std::int64_t session_id = session.empty() ? 0 : session.int64(0, 0);
  if (!session.empty() && session.boolean(0, 1)) return {RotateStatus::unknown, 0, 0};
  auto found = connection->query(
      "SELECT user_id, family, expires_at, used, revoked FROM refresh_tokens "
      "WHERE token_hash = $1 FOR UPDATE",
      {old_hash});
  if (found.empty()) return {RotateStatus::unknown, 0, 0};
  std::int64_t user_id = found.int64(0, 0);
  std::string family = found.text(0, 1);
  std::int64_t expires_at = found.int64(0, 2);
  bool used = found.boolean(0, 3);
  bool revoked = found.boolean(0, 4);
  if (revoked) return {RotateStatus::unknown, 0, 0};
  if (used) {
    // A rotated token came back: someone holds a copy. Kill the whole family and its session.
    connection->query("UPDATE refresh_tokens SET revoked = TRUE WHERE family = $1", {family});
    if (session_id != 0) end_session_on(*connection, session_id, now_ms);
    transaction.commit();
    return {RotateStatus::reused, user_id, session_id};
  }
  if (now_ms >= expires_at) return {RotateStatus::unknown, 0, 0};
  connection->query("UPDATE refresh_tokens SET used = TRUE WHERE token_hash = $1", {old_hash});
  connection->query(
      "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
      "VALUES ($1, $2, $3, $4)",
      {new_hash, user_id, family, new_expires_at_ms});
  connection->query("UPDATE sessions SET last_used_at = $2, expires_at = $3 WHERE id = $1::bigint",
                    {session_id, now_ms, new_expires_at_ms});
  transaction.commit();
  return {RotateStatus::rotated, user_id, session_id};
}

std::optional<EndedSession> PostgresStore::revoke_refresh_token(std::string_view token_hash,
                                                                std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto found = connection->query(
      "SELECT t.user_id, COALESCE(s.id, 0) FROM refresh_tokens t "
      "LEFT JOIN sessions s ON s.family = t.family WHERE t.token_hash = $1",
      {token_hash});
  if (found.empty()) return std::nullopt;
  std::int64_t user_id = found.int64(0, 0);
  std::int64_t session_id = found.int64(0, 1);
  if (session_id != 0) end_session_on(*connection, session_id, now_ms);
  connection->query(
      "UPDATE refresh_tokens SET revoked = TRUE WHERE family = "
      "(SELECT family FROM refresh_tokens WHERE token_hash = $1)",
      {token_hash});
  transaction.commit();
  return EndedSession{session_id, user_id, now_ms};
}

// --- sessions ---

std::int64_t PostgresStore::create_session(const NewSession& session, std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  // FOR SHARE: a deactivation (an UPDATE of the user row) waits for this login to commit, and its
  // end_sessions then sees the new session; or this waits for it and finds the user deactivated.
  auto active = connection->query(
      "SELECT 1 FROM users WHERE id = $1::bigint AND NOT deactivated FOR SHARE", {session.user_id});
  if (active.empty()) return 0;
  auto inserted = connection->query(
      "INSERT INTO sessions (user_id, family, created_at, last_used_at, expires_at, user_agent, "
      "ip) VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id",
      {session.user_id, session.family, now_ms, session.expires_at_ms, session.user_agent,
       session.ip});
  connection->query(
      "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
      "VALUES ($1, $2, $3, $4)",
      {session.refresh_token_hash, session.user_id, session.family, session.expires_at_ms});
  transaction.commit();
  return inserted.int64(0, 0);
}

std::optional<Session> PostgresStore::find_session(std::int64_t session_id) {
  auto connection = pool_.acquire();
  auto result =
      connection->query(std::string(kSelectSessions) + "WHERE id = $1::bigint", {session_id});
  if (result.empty()) return std::nullopt;
  return read_session(PostgresRow(result, 0));
}

std::vector<Session> PostgresStore::live_sessions(std::int64_t user_id, std::int64_t now_ms) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      std::string(kSelectSessions) +
          "WHERE user_id = $1::bigint AND ended_at IS NULL AND expires_at > $2::bigint "
          "ORDER BY id",
      {user_id, now_ms});
  return read_all(result, read_session<PostgresRow>);
}

bool PostgresStore::end_session(std::int64_t user_id, std::int64_t session_id,
                                std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto owned = connection->query(
      "UPDATE sessions SET ended_at = $3 WHERE id = $1::bigint AND user_id = $2::bigint AND "
      "ended_at IS NULL",
      {session_id, user_id, now_ms});
  if (owned.affected() == 0) return false;
  end_session_on(*connection, session_id, now_ms);
  transaction.commit();
  return true;
}

std::vector<std::int64_t> PostgresStore::end_sessions(std::int64_t user_id, std::int64_t keep,
                                                      std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto ended = connection->query(
      "UPDATE sessions SET ended_at = $3 WHERE user_id = $1::bigint AND ended_at IS NULL AND "
      "id <> $2::bigint RETURNING id",
      {user_id, keep, now_ms});
  std::vector<std::int64_t> ids;
  for (int row = 0; row < ended.rows(); ++row) {
    ids.push_back(ended.int64(row, 0));
    end_session_on(*connection, ids.back(), now_ms);
  }
  transaction.commit();
  return ids;
}

std::vector<EndedSession> PostgresStore::sessions_ended_since(std::int64_t since_ms) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT id, user_id, ended_at FROM sessions WHERE ended_at >= $1::bigint ORDER BY ended_at",
      {since_ms});
  std::vector<EndedSession> out;
  for (int row = 0; row < result.rows(); ++row)
    out.push_back({result.int64(row, 0), result.int64(row, 1), result.int64(row, 2)});
  return out;
}

// --- two-factor ---

std::optional<TotpState> PostgresStore::totp_state(std::int64_t user_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT secret, pending_secret, last_step FROM totp WHERE user_id = $1::bigint", {user_id});
  if (result.empty()) return std::nullopt;
  return TotpState{result.optional_text(0, 0), result.optional_text(0, 1), result.int64(0, 2)};
}

bool PostgresStore::set_pending_totp(std::int64_t user_id, std::string_view sealed_secret) {
  auto connection = pool_.acquire();
  return connection
             ->query(
                 "INSERT INTO totp (user_id, pending_secret) SELECT $1::bigint, $2 "
                 "WHERE EXISTS (SELECT 1 FROM users WHERE id = $1::bigint) "
                 "ON CONFLICT (user_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret "
                 "WHERE totp.secret IS NULL",
                 {user_id, sealed_secret})
             .affected() > 0;
}

bool PostgresStore::enable_totp(std::int64_t user_id, std::string_view sealed_secret,
                                std::int64_t step,
                                const std::vector<std::string>& recovery_code_hashes) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto enabled = connection->query(
      "UPDATE totp SET secret = pending_secret, pending_secret = NULL, last_step = $3 "
      "WHERE user_id = $1::bigint AND secret IS NULL AND pending_secret = $2",
      {user_id, sealed_secret, step});
  if (enabled.affected() == 0) return false;
  connection->query("DELETE FROM recovery_codes WHERE user_id = $1::bigint", {user_id});
  for (const auto& hash : recovery_code_hashes) {
    connection->query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                      {user_id, hash});
  }
  transaction.commit();
  return true;
}

bool PostgresStore::disable_totp(std::int64_t user_id) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto removed = connection->query(
      "DELETE FROM totp WHERE user_id = $1::bigint AND secret IS NOT NULL", {user_id});
  if (removed.affected() == 0) return false;
  connection->query("DELETE FROM recovery_codes WHERE user_id = $1::bigint", {user_id});
  transaction.commit();
  return true;
}

bool PostgresStore::accept_totp_step(std::int64_t user_id, std::int64_t step) {
  auto connection = pool_.acquire();
  return connection
             ->query(
                 "UPDATE totp SET last_step = $2 WHERE user_id = $1::bigint AND "
                 "secret IS NOT NULL AND last_step < $2::bigint",
                 {user_id, step})
             .affected() > 0;
}

bool PostgresStore::use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                      std::int64_t now_ms) {
  auto connection = pool_.acquire();
  return connection
             ->query(
                 "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1::bigint AND "
                 "code_hash = $2 AND used_at IS NULL",
                 {user_id, code_hash, now_ms})
             .affected() > 0;
}

}  // namespace parley::store

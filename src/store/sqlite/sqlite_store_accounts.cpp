// SqliteStore's account security: refresh tokens and the sessions they belong to, passwords,
// deactivation, two-factor. (Users, rooms and messages: sqlite_store.cpp.)

#include <stdexcept>

#include "store/row_mappers.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace parley::store {

using domain::User;

namespace {

// Ends the session (if live) and revokes every refresh token of its family, on `writer` inside
// the caller's transaction. true when it was live.
bool end_session_on(SqliteConnection& writer, std::int64_t session_id, std::int64_t now_ms) {
  writer.statement("UPDATE sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL")
      .bind(1, session_id)
      .bind(2, now_ms)
      .run();
  bool ended = writer.changes() > 0;
  writer
      .statement(
          "UPDATE refresh_tokens SET revoked = 1 WHERE family = "
          "(SELECT family FROM sessions WHERE id = ?1)")
      .bind(1, session_id)
      .run();
  return ended;
}

}  // namespace

// --- users ---

std::optional<Credentials> SqliteStore::credentials_of(std::int64_t user_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT id, username, role, created_at, deactivated, password_hash FROM users WHERE id = ?1");
  statement.bind(1, user_id);
  if (!statement.step()) return std::nullopt;
  return Credentials{read_user(statement), statement.text(5)};
}

bool SqliteStore::set_password_hash(std::int64_t user_id, std::string_view password_hash) {
  std::lock_guard lock(write_mutex_);
  writer_.statement("UPDATE users SET password_hash = ?2 WHERE id = ?1")
      .bind(1, user_id)
      .bind(2, password_hash)
      .run();
  return writer_.changes() > 0;
}

std::optional<User> SqliteStore::set_deactivated(std::int64_t user_id, bool deactivated) {
  std::lock_guard lock(write_mutex_);
  auto statement = writer_.statement(
      "UPDATE users SET deactivated = ?2 WHERE id = ?1 "
      "RETURNING id, username, role, created_at, deactivated");
  statement.bind(1, user_id).bind(2, std::int64_t{deactivated ? 1 : 0});
  if (!statement.step()) return std::nullopt;
  User user = read_user(statement);
  statement.run();
  return user;
}

std::vector<User> SqliteStore::list_users(std::int64_t after_id, int limit) {
  if (limit <= 0) return {};
  auto reader = readers_.acquire();
  auto statement =
      reader->statement(std::string(kSelectUsers) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
  statement.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<User> users;
  while (statement.step()) users.push_back(read_user(statement));
  return users;
}

// --- refresh tokens ---

void SqliteStore::insert_refresh_token(std::string_view token_hash, std::int64_t user_id,
                                       std::string_view family, std::int64_t expires_at_ms) {
  std::lock_guard lock(write_mutex_);
  writer_
      .statement(
          "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
          "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, family)
      .bind(4, expires_at_ms)
      .run();
}

RotateResult SqliteStore::rotate_refresh_token(std::string_view old_hash, std::string_view new_hash,
                                               std::int64_t now_ms,
                                               std::int64_t new_expires_at_ms) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  std::int64_t user_id = 0;
  std::string family;
  std::int64_t expires_at = 0;
  bool used = false;
  bool revoked = false;
  std::int64_t session_id = 0;
  bool session_ended = false;
  {
    auto find = writer_.statement(
        "SELECT t.user_id, t.family, t.expires_at, t.used, t.revoked, COALESCE(s.id, 0), "
        "s.ended_at IS NOT NULL FROM refresh_tokens t LEFT JOIN sessions s ON s.family = t.family "
        "WHERE t.token_hash = ?1");
    find.bind(1, old_hash);
    if (!find.step()) return {RotateStatus::unknown, 0, 0};
    user_id = find.int64(0);
    family = find.text(1);
    expires_at = find.int64(2);
    used = find.boolean(3);
    revoked = find.boolean(4);
    session_id = find.int64(5);
    session_ended = find.boolean(6);
  }
  if (revoked || session_ended) return {RotateStatus::unknown, 0, 0};
  if (used) {
    // A rotated token came back: someone holds a copy. Kill the whole family and its session.
    writer_.statement("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1")
        .bind(1, family)
        .run();
    if (session_id != 0) end_session_on(writer_, session_id, now_ms);
    transaction.commit();
    return {RotateStatus::reused, user_id, session_id};
  }
  if (now_ms >= expires_at) return {RotateStatus::unknown, 0, 0};
  writer_.statement("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ?1")
      .bind(1, old_hash)
      .run();
  writer_
      .statement(
          "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
          "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, new_hash)
      .bind(2, user_id)
      .bind(3, family)
      .bind(4, new_expires_at_ms)
      .run();
  writer_.statement("UPDATE sessions SET last_used_at = ?2, expires_at = ?3 WHERE id = ?1")
      .bind(1, session_id)
      .bind(2, now_ms)
      .bind(3, new_expires_at_ms)
      .run();
  transaction.commit();
  return {RotateStatus::rotated, user_id, session_id};
}

std::optional<EndedSession> SqliteStore::revoke_refresh_token(std::string_view token_hash,
                                                              std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  std::int64_t user_id = 0;
  std::int64_t session_id = 0;
  {
    auto find = writer_.statement(
        "SELECT t.user_id, COALESCE(s.id, 0) FROM refresh_tokens t "
        "LEFT JOIN sessions s ON s.family = t.family WHERE t.token_hash = ?1");
    find.bind(1, token_hash);
    if (!find.step()) return std::nullopt;
    user_id = find.int64(0);
    session_id = find.int64(1);
  }
  writer_
      .statement(
          "UPDATE refresh_tokens SET revoked = 1 WHERE family = "
          "(SELECT family FROM refresh_tokens WHERE token_hash = ?1)")
      .bind(1, token_hash)
      .run();
  if (session_id != 0) end_session_on(writer_, session_id, now_ms);
  transaction.commit();
  return EndedSession{session_id, user_id, now_ms};
}

// --- sessions ---

std::int64_t SqliteStore::create_session(const NewSession& session, std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  std::int64_t id = 0;
  {
    auto insert = writer_.statement(
        "INSERT INTO sessions (user_id, family, created_at, last_used_at, expires_at, user_agent, "
        "ip) SELECT ?1, ?2, ?3, ?3, ?4, ?5, ?6 WHERE EXISTS "
        "(SELECT 1 FROM users WHERE id = ?1 AND deactivated = 0) RETURNING id");
    insert.bind(1, session.user_id).bind(2, session.family).bind(3, now_ms);
    insert.bind(4, session.expires_at_ms).bind(5, session.user_agent).bind(6, session.ip);
    if (!insert.step()) return 0;
    id = insert.int64(0);
    insert.run();
  }
  writer_
      .statement(
          "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) "
          "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, session.refresh_token_hash)
      .bind(2, session.user_id)
      .bind(3, session.family)
      .bind(4, session.expires_at_ms)
      .run();
  transaction.commit();
  return id;
}

std::optional<Session> SqliteStore::find_session(std::int64_t session_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(std::string(kSelectSessions) + "WHERE id = ?1");
  statement.bind(1, session_id);
  if (!statement.step()) return std::nullopt;
  return read_session(statement);
}

std::vector<Session> SqliteStore::live_sessions(std::int64_t user_id, std::int64_t now_ms) {
  auto reader = readers_.acquire();
  auto statement =
      reader->statement(std::string(kSelectSessions) +
                        "WHERE user_id = ?1 AND ended_at IS NULL AND expires_at > ?2 ORDER BY id");
  statement.bind(1, user_id).bind(2, now_ms);
  std::vector<Session> sessions;
  while (statement.step()) sessions.push_back(read_session(statement));
  return sessions;
}

bool SqliteStore::end_session(std::int64_t user_id, std::int64_t session_id, std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  {
    auto owner = writer_.statement(
        "SELECT 1 FROM sessions WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL");
    owner.bind(1, session_id).bind(2, user_id);
    if (!owner.step()) return false;
  }
  end_session_on(writer_, session_id, now_ms);
  transaction.commit();
  return true;
}

std::vector<std::int64_t> SqliteStore::end_sessions(std::int64_t user_id, std::int64_t keep,
                                                    std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  std::vector<std::int64_t> ended;
  {
    auto find = writer_.statement(
        "SELECT id FROM sessions WHERE user_id = ?1 AND ended_at IS NULL AND id <> ?2");
    find.bind(1, user_id).bind(2, keep);
    while (find.step()) ended.push_back(find.int64(0));
  }
  for (std::int64_t id : ended) end_session_on(writer_, id, now_ms);
  transaction.commit();
  return ended;
}

std::vector<EndedSession> SqliteStore::sessions_ended_since(std::int64_t since_ms) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT id, user_id, ended_at FROM sessions WHERE ended_at >= ?1 ORDER BY ended_at");
  statement.bind(1, since_ms);
  std::vector<EndedSession> out;
  while (statement.step())
    out.push_back({statement.int64(0), statement.int64(1), statement.int64(2)});
  return out;
}

// --- two-factor ---

std::optional<TotpState> SqliteStore::totp_state(std::int64_t user_id) {
  auto reader = readers_.acquire();
  auto statement =
      reader->statement("SELECT secret, pending_secret, last_step FROM totp WHERE user_id = ?1");
  statement.bind(1, user_id);
  if (!statement.step()) return std::nullopt;
  return TotpState{statement.optional_text(0), statement.optional_text(1), statement.int64(2)};
}

bool SqliteStore::set_pending_totp(std::int64_t user_id, std::string_view sealed_secret) {
  std::lock_guard lock(write_mutex_);
  writer_
      .statement(
          "INSERT INTO totp (user_id, pending_secret) SELECT ?1, ?2 "
          "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) "
          "ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret "
          "WHERE totp.secret IS NULL")
      .bind(1, user_id)
      .bind(2, sealed_secret)
      .run();
  return writer_.changes() > 0;
}

bool SqliteStore::enable_totp(std::int64_t user_id, std::string_view sealed_secret,
                              std::int64_t step,
                              const std::vector<std::string>& recovery_code_hashes) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  writer_
      .statement(
          "UPDATE totp SET secret = pending_secret, pending_secret = NULL, last_step = ?3 "
          "WHERE user_id = ?1 AND secret IS NULL AND pending_secret = ?2")
      .bind(1, user_id)
      .bind(2, sealed_secret)
      .bind(3, step)
      .run();
  if (writer_.changes() == 0) return false;
  writer_.statement("DELETE FROM recovery_codes WHERE user_id = ?1").bind(1, user_id).run();
  for (const auto& hash : recovery_code_hashes) {
    writer_.statement("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)")
        .bind(1, user_id)
        .bind(2, hash)
        .run();
  }
  transaction.commit();
  return true;
}

bool SqliteStore::disable_totp(std::int64_t user_id) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  writer_.statement("DELETE FROM totp WHERE user_id = ?1 AND secret IS NOT NULL")
      .bind(1, user_id)
      .run();
  if (writer_.changes() == 0) return false;
  writer_.statement("DELETE FROM recovery_codes WHERE user_id = ?1").bind(1, user_id).run();
  transaction.commit();
  return true;
}

bool SqliteStore::accept_totp_step(std::int64_t user_id, std::int64_t step) {
  std::lock_guard lock(write_mutex_);
  writer_
      .statement(
          "UPDATE totp SET last_step = ?2 WHERE user_id = ?1 AND secret IS NOT NULL AND "
          "last_step < ?2")
      .bind(1, user_id)
      .bind(2, step)
      .run();
  return writer_.changes() > 0;
}

bool SqliteStore::use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                    std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  writer_
      .statement(
          "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND "
          "used_at IS NULL")
      .bind(1, user_id)
      .bind(2, code_hash)
      .bind(3, now_ms)
      .run();
  return writer_.changes() > 0;
}

}  // namespace parley::store

#include "store/postgres/postgres_migrations.hpp"

#include <array>

#include "store/migrations.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace parley::store {

namespace {

// pg_advisory_xact_lock key of schema migrations ("parley" + 1).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(112585834685545473)";

// Never edit a released migration: append a new one.
// Identity columns come from sequences, which never hand out a value twice (not even after the
// newest row was deleted or the server crashed), so ids are never reused.
// Usernames (ASCII by contract) are unique on lower(... COLLATE "C"); room names on name_key, the
// Unicode case folding computed in C++ (common/text.hpp), the same key SQLite stores.
// rooms.member_count is kept by a trigger so that listing rooms never counts members.
constexpr std::array<const char*, 5> kMigrations = {
    R"sql(
CREATE TABLE users (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username COLLATE "C"));
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used BOOLEAN NOT NULL DEFAULT FALSE,
  revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE TABLE rooms (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT,
  is_private BOOLEAN NOT NULL,
  is_dm BOOLEAN NOT NULL,
  dm_key TEXT UNIQUE,
  owner_id BIGINT NOT NULL REFERENCES users (id),
  access_code_hash TEXT,
  member_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX rooms_name_key ON rooms (name_key) WHERE NOT is_dm;
CREATE TABLE members (
  room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX members_user ON members (user_id);
CREATE FUNCTION parley_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
  ELSE
    UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER members_count AFTER INSERT OR DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION parley_members_count();
CREATE TABLE messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id),
  body TEXT NOT NULL,
  client_id TEXT,
  meta TEXT,
  ts BIGINT NOT NULL
);
CREATE INDEX messages_room ON messages (room_id, id);
CREATE UNIQUE INDEX messages_client ON messages (room_id, user_id, client_id)
  WHERE client_id IS NOT NULL;
)sql",
    // Conversations (v1.1), as SQLite's migration 3: rev NULL until a message first changes,
    // room_seq numbering a room's messages, read_states with the counters unread counts are
    // computed from, reactions and mentions in tables of their own.
    R"sql(
ALTER TABLE messages ADD COLUMN rev BIGINT;
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE messages ADD COLUMN reply_to BIGINT;
ALTER TABLE messages ADD COLUMN reply_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at BIGINT;
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN reactions TEXT;
ALTER TABLE messages ADD COLUMN room_seq BIGINT NOT NULL DEFAULT 0;
UPDATE messages SET room_seq = numbered.seq FROM (
  SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY id) AS seq FROM messages
) AS numbered WHERE messages.id = numbered.id;
CREATE INDEX messages_changed ON messages (room_id, rev) WHERE rev IS NOT NULL;
CREATE INDEX messages_deleted ON messages (room_id, id) WHERE deleted;
CREATE INDEX messages_replies ON messages (reply_to, id) WHERE reply_to IS NOT NULL;
CREATE TABLE reactions (
  message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  pos BIGINT NOT NULL,
  first_pos BIGINT NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);
CREATE TABLE mentions (
  room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id, message_id)
);
CREATE TABLE read_states (
  room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL,
  last_read BIGINT NOT NULL DEFAULT 0,
  read_seq BIGINT NOT NULL DEFAULT 0,
  own_unread BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
);
INSERT INTO read_states (room_id, user_id, own_unread)
  SELECT room_id, user_id, count(*) FROM messages GROUP BY room_id, user_id;
)sql",
    // Account security (v1.1): sessions, one per refresh-token family; deactivation; two-factor
    // secrets (sealed) and recovery codes (hashed). Families still live become sessions, so that
    // their refresh tokens keep working (and then carry a sid).
    R"sql(
ALTER TABLE users ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE sessions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  user_agent TEXT NOT NULL,
  ip TEXT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_ended ON sessions (ended_at) WHERE ended_at IS NOT NULL;
INSERT INTO sessions (user_id, family, created_at, last_used_at, expires_at, user_agent, ip)
  SELECT user_id, family, (extract(epoch FROM now()) * 1000)::bigint,
         (extract(epoch FROM now()) * 1000)::bigint, MAX(expires_at), '', ''
  FROM refresh_tokens WHERE NOT used AND NOT revoked GROUP BY user_id, family;
CREATE TABLE totp (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT,
  pending_secret TEXT,
  last_step BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at BIGINT,
  PRIMARY KEY (user_id, code_hash)
);
)sql",
    // Search (v1.1): a generated tsvector of each body (deleted ones are "", so empty), under a
    // GIN index. parley_fold folds accents (unaccent, bound to its dictionary: unaccent() itself
    // is only STABLE) and case (ICU's root locale, whatever the database's own locale, which may
    // well be C); the vector is built from the folded body's runs of letters and digits, as
    // PROTOCOL.md defines a word, so words inside URLs, paths and numbers like 3.14 are found.
    // Both are IMMUTABLE, as a generated column requires, and parsed here, so a caller's
    // search_path cannot redirect them. Adding the column rewrites the table: the index covers
    // the messages already stored.
    R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION parley_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(unaccent('unaccent'::regdictionary, $1) COLLATE "und-x-icu");
CREATE FUNCTION parley_search_vector(body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN to_tsvector('simple'::regconfig,
                     regexp_replace(parley_fold(body) COLLATE "und-x-icu", '[^[:alnum:]]+', ' ', 'g'));
ALTER TABLE messages ADD COLUMN search tsvector
  GENERATED ALWAYS AS (parley_search_vector(body)) STORED;
CREATE INDEX messages_search ON messages USING gin (search) WHERE NOT deleted;
)sql",
    // Files (v1.1), as SQLite's migration 6.
    R"sql(
CREATE TABLE uploads (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  file TEXT NOT NULL UNIQUE,
  width BIGINT,
  height BIGINT,
  created_at BIGINT NOT NULL,
  attached BOOLEAN NOT NULL DEFAULT FALSE,
  detached_at BIGINT
);
CREATE INDEX uploads_unattached ON uploads (created_at) WHERE NOT attached;
CREATE INDEX uploads_detached ON uploads (detached_at) WHERE detached_at IS NOT NULL;
CREATE TABLE message_attachments (
  message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  upload_id BIGINT NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_upload ON message_attachments (upload_id);
ALTER TABLE messages ADD COLUMN attachments TEXT;
)sql",
};

}  // namespace

int postgres_schema_version() noexcept {
  return static_cast<int>(kMigrations.size());
}

int postgres_database_version(PostgresConnection& connection) {
  auto table = connection.query("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!table.boolean(0, 0)) return 0;
  auto current = connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return static_cast<int>(current.int64(0, 0));
}

void apply_postgres_migrations(PostgresConnection& connection) {
  PostgresTransaction transaction(connection);
  // Held to commit: a second server starting now waits here, then finds the schema current.
  connection.exec(kMigrationLock);
  connection.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  apply_migrations(
      kMigrations,
      [&] {
        auto current = connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return static_cast<int>(current.int64(0, 0));
      },
      [&](int next, const char* sql) {
        connection.exec(sql);
        connection.query("INSERT INTO schema_version (version) VALUES ($1)",
                         {static_cast<std::int64_t>(next + 1)});
      });
  transaction.commit();
}

}  // namespace parley::store

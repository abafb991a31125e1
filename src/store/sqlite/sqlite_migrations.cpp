#include "store/sqlite/sqlite_migrations.hpp"

#include <array>
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace parley::store {

namespace {

// Never edit a released migration: append a new one.
// AUTOINCREMENT on rooms and messages: ids are never reused, even after the newest room or
// message was deleted, so a larger message id was always stored later.
// rooms.member_count is kept by triggers so that listing rooms never counts members.
constexpr std::array<const char*, 6> kMigrations = {
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  created_at INTEGER NOT NULL
);
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0,
  revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE TABLE rooms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT UNIQUE,
  is_private INTEGER NOT NULL,
  is_dm INTEGER NOT NULL,
  dm_key TEXT UNIQUE,
  owner_id INTEGER NOT NULL REFERENCES users (id),
  access_code_hash TEXT,
  member_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE members (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_user ON members (user_id);
CREATE TRIGGER members_count_insert AFTER INSERT ON members BEGIN
  UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
END;
CREATE TRIGGER members_count_delete AFTER DELETE ON members BEGIN
  UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
END;
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id),
  body TEXT NOT NULL,
  client_id TEXT,
  meta TEXT,
  ts INTEGER NOT NULL
);
CREATE INDEX messages_room ON messages (room_id, id);
CREATE UNIQUE INDEX messages_client ON messages (room_id, user_id, client_id)
  WHERE client_id IS NOT NULL;
)sql",
    // Idempotency keys move from a unique index on messages to their own table, written a
    // generation at a time (see pending_client_keys.hpp); message_keys_through is the id up to
    // which every message's key is in it. Keys of later messages are read back from messages
    // when the store opens.
    R"sql(
CREATE TABLE message_keys (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id, client_id)
) WITHOUT ROWID;
INSERT INTO message_keys (room_id, user_id, client_id, message_id)
  SELECT room_id, user_id, client_id, id FROM messages WHERE client_id IS NOT NULL;
DROP INDEX messages_client;
CREATE TABLE store_state (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO store_state (name, value)
  SELECT 'message_keys_through', COALESCE(MAX(id), 0) FROM messages;
)sql",
    // Conversations (v1.1). A message's `rev` is NULL until it first changes, so that a send adds
    // no index entry for it; changed messages are found by messages_changed. room_seq numbers a
    // room's messages (deleted ones included) so that unread counts are differences of counters:
    // read_states keeps per member the position read, room_seq there and the own messages after
    // it. Read states outlive membership (a member who leaves and comes back keeps them).
    R"sql(
ALTER TABLE messages ADD COLUMN rev INTEGER;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reply_to INTEGER;
ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at INTEGER;
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN reactions TEXT;
ALTER TABLE messages ADD COLUMN room_seq INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET room_seq = numbered.seq FROM (
  SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY id) AS seq FROM messages
) AS numbered WHERE messages.id = numbered.id;
CREATE INDEX messages_changed ON messages (room_id, rev) WHERE rev IS NOT NULL;
CREATE INDEX messages_deleted ON messages (room_id, id) WHERE deleted = 1;
CREATE INDEX messages_replies ON messages (reply_to, id) WHERE reply_to IS NOT NULL;
CREATE TABLE reactions (
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  first_pos INTEGER NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
) WITHOUT ROWID;
CREATE TABLE mentions (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id, message_id)
) WITHOUT ROWID;
CREATE TABLE read_states (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  last_read INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  own_unread INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
INSERT INTO read_states (room_id, user_id, own_unread)
  SELECT room_id, user_id, count(*) FROM messages GROUP BY room_id, user_id;
)sql",
    // Account security (v1.1): sessions, one per refresh-token family; deactivation; two-factor
    // secrets (sealed) and recovery codes (hashed). Families still live become sessions, so that
    // their refresh tokens keep working (and then carry a sid).
    R"sql(
ALTER TABLE users ADD COLUMN deactivated INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL,
  ip TEXT NOT NULL,
  ended_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_ended ON sessions (ended_at) WHERE ended_at IS NOT NULL;
INSERT INTO sessions (user_id, family, created_at, last_used_at, expires_at, user_agent, ip)
  SELECT user_id, family, CAST(strftime('%s', 'now') AS INTEGER) * 1000,
         CAST(strftime('%s', 'now') AS INTEGER) * 1000, MAX(expires_at), '', ''
  FROM refresh_tokens WHERE used = 0 AND revoked = 0 GROUP BY user_id, family;
CREATE TABLE totp (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT,
  pending_secret TEXT,
  last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;
)sql",
    // Search (v1.1): an external-content FTS5 index of the bodies of messages not deleted, built
    // here for the messages already stored. The triggers keep it in step inside the transaction of
    // every write (a send, an edit, a deletion, a room's cascade), and give FTS5's 'delete' the
    // exact text it indexed, which an external-content table requires.
    R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body, content = 'messages', content_rowid = 'id',
  tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3'
);
INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE deleted = 0;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN NEW.deleted = 0 BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN OLD.deleted = 0 BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, deleted ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', OLD.id, OLD.body WHERE OLD.deleted = 0;
  INSERT INTO messages_fts (rowid, body) SELECT NEW.id, NEW.body WHERE NEW.deleted = 0;
END;
)sql",
    // Files (v1.1): uploads, and the messages carrying them (messages.attachments: their wire
    // array, written with the message). `attached` says whether a message
    // ever carried it; detached_at when the last one let go (both for garbage collection).
    R"sql(
CREATE TABLE uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  file TEXT NOT NULL UNIQUE,
  width INTEGER,
  height INTEGER,
  created_at INTEGER NOT NULL,
  attached INTEGER NOT NULL DEFAULT 0,
  detached_at INTEGER
);
CREATE INDEX uploads_unattached ON uploads (created_at) WHERE attached = 0;
CREATE INDEX uploads_detached ON uploads (detached_at) WHERE detached_at IS NOT NULL;
CREATE TABLE message_attachments (
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  upload_id INTEGER NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (message_id, position)
) WITHOUT ROWID;
CREATE INDEX message_attachments_upload ON message_attachments (upload_id);
ALTER TABLE messages ADD COLUMN attachments TEXT;
)sql",
};

int user_version(SqliteConnection& connection) {
  auto statement = connection.statement("PRAGMA user_version");
  return statement.step() ? static_cast<int>(statement.int64(0)) : 0;
}

}  // namespace

int sqlite_schema_version() noexcept {
  return static_cast<int>(kMigrations.size());
}

int sqlite_database_version(SqliteConnection& connection) {
  return user_version(connection);
}

void apply_sqlite_migrations(SqliteConnection& connection) {
  apply_migrations(
      kMigrations, [&] { return user_version(connection); },
      [&](int next, const char* sql) {
        SqliteTransaction transaction(connection);
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if (user_version(connection) > next) return;
        connection.exec(sql);
        std::string bump = "PRAGMA user_version = " + std::to_string(next + 1);
        connection.exec(bump.c_str());
        transaction.commit();
      });
}

}  // namespace parley::store

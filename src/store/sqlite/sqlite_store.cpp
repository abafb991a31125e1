#include "store/sqlite/sqlite_store.hpp"

#include <limits>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/text.hpp"
#include "domain/direct_room.hpp"
#include "store/row_mappers.hpp"
#include "store/search_terms.hpp"
#include "store/sqlite/sqlite_migrations.hpp"
#include "store/sqlite/sqlite_read_state.hpp"
#include "store/sqlite/sqlite_snapshot.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace parley::store {

using domain::Member;
using domain::Message;
using domain::Room;
using domain::User;

namespace {

constexpr std::size_t kReadConnections = 4;
// Idempotency keys per generation: with 1,000 busy rooms, about 16 keys share each leaf write.
constexpr std::size_t kKeyGeneration = 16'384;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// ?1 = room, ?2 = viewer.
constexpr const char* kFindRoom =
    "SELECT id, name, is_private, is_dm, owner_id, created_at, member_count, "
    "EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = ?2) "
    "FROM rooms r WHERE r.id = ?1";

// CROSS JOIN pins messages as the outer loop, so pages walk the (room_id, id) index.
const std::string kMessagesFrom = std::string("SELECT ") + kMessageColumns +
                                  " FROM messages m CROSS JOIN users u ON u.id = m.user_id ";
const std::string kMessagesBefore =
    kMessagesFrom + "WHERE m.room_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3";
const std::string kMessagesAfter =
    kMessagesFrom + "WHERE m.room_id = ?1 AND m.id > ?2 ORDER BY m.id ASC LIMIT ?3";
// The messages stored or changed after ?2, by position: unchanged new ones by id, changed ones by
// rev (each number is drawn once, so the two never tie). Both arms come ordered from an index, so
// the merge stops at the limit.
const std::string kChangesSince =
    std::string("SELECT ") + kMessageColumns +
    ", m.id AS pos FROM messages m CROSS JOIN users u ON u.id = m.user_id "
    "WHERE m.room_id = ?1 AND m.id > ?2 AND m.rev IS NULL UNION ALL SELECT " +
    kMessageColumns +
    ", m.rev AS pos FROM messages m CROSS JOIN users u ON u.id = m.user_id "
    "WHERE m.room_id = ?1 AND m.rev > ?2 ORDER BY pos LIMIT ?3";
// Messages up to ?2 changed after it, by rev (joined.changed).
const std::string kChangedBefore =
    kMessagesFrom + "WHERE m.room_id = ?1 AND m.rev > ?2 AND m.id <= ?2 ORDER BY m.rev LIMIT ?3";
const std::string kReplies = kMessagesFrom +
                             "WHERE m.reply_to = ?2 AND m.room_id = ?1 AND m.id > ?3 "
                             "ORDER BY m.id LIMIT ?4";

// ?1 = FTS5 expression, ?2 = viewer, ?3 = before, ?4 = room or NULL, ?5 = limit. The index is the
// outer loop, walked newest first from `before`; membership is a join, so a room the viewer is
// not in yields no row at any stage.
const std::string kSearch = std::string("SELECT ") + kMessageColumns +
                            " FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid "
                            "CROSS JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = ?2 "
                            "CROSS JOIN users u ON u.id = m.user_id "
                            "WHERE messages_fts MATCH ?1 AND f.rowid < ?3 AND m.deleted = 0 "
                            "AND (?4 IS NULL OR m.room_id = ?4) ORDER BY f.rowid DESC LIMIT ?5";

// Every row `statement` steps through, read by `read` (one of the row mappers).
template <typename Read>
auto read_rows(SqliteStatement& statement, Read read) {
  std::vector<decltype(read(statement))> out;
  while (statement.step()) out.push_back(read(statement));
  return out;
}

}  // namespace

SqliteStore::SqliteStore(std::string path, Durability durability, int busy_timeout_ms)
    : path_(std::move(path)),
      writer_(path_, true, busy_timeout_ms),
      readers_(path_, kReadConnections, busy_timeout_ms),
      pending_keys_(kKeyGeneration) {
  writer_.exec("PRAGMA journal_mode = WAL");
  writer_.exec(durability == Durability::full ? "PRAGMA synchronous = FULL"
                                              : "PRAGMA synchronous = NORMAL");
  // Appends across many rooms touch two index leaves per room; with the default 2 MiB cache
  // those leaves are read back from the file on nearly every batch. The cache grows only as
  // pages are used.
  writer_.exec("PRAGMA cache_size = -32768");
  // Appends across many rooms dirty one index leaf per message, so every message costs a WAL
  // frame and, at the checkpoint, a write of that page back into the database. Checkpointing
  // every 4,000 frames (a WAL of up to 16 MiB) instead of the default 1,000 lets a hot leaf
  // change several times per checkpoint but be copied once: 12 % less CPU and 14 % less time
  // per message with 1,000 busy rooms (store_history_bench, BM_AppendAcrossRooms).
  writer_.exec("PRAGMA wal_autocheckpoint = 4000");
  apply_sqlite_migrations(writer_);
  load_pending_keys();
}

void SqliteStore::load_pending_keys() {
  auto statement = writer_.statement(
      "SELECT room_id, user_id, client_id, id FROM messages WHERE id > (SELECT value FROM "
      "store_state WHERE name = 'message_keys_through') AND client_id IS NOT NULL ORDER BY id");
  while (statement.step()) {
    pending_keys_.add({statement.int64(0), statement.int64(1), statement.text(2)},
                      statement.int64(3));
  }
}

SqliteStore::~SqliteStore() = default;

bool SqliteStore::ping() {
  try {
    auto reader = readers_.acquire();
    auto statement = reader->statement("SELECT 1");
    return statement.step() && statement.int64(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

// --- users ---

std::optional<User> SqliteStore::create_user(std::string_view username,
                                             std::string_view password_hash, std::int64_t now_ms) {
  std::string key = ascii_lower(username);
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  // The role is decided inside the write transaction, so exactly one first user becomes admin.
  auto insert = writer_.statement(
      "INSERT INTO users (username, username_key, password_hash, role, created_at) "
      "VALUES (?1, ?2, ?3, CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'user' ELSE 'admin' END, "
      "?4) ON CONFLICT (username_key) DO NOTHING RETURNING id, role");
  insert.bind(1, username).bind(2, key).bind(3, password_hash).bind(4, now_ms);
  if (!insert.step()) return std::nullopt;
  User user{insert.int64(0), std::string(username), insert.text(1), now_ms};
  insert.run();
  transaction.commit();
  return user;
}

std::optional<Credentials> SqliteStore::find_credentials(std::string_view username) {
  std::string key = ascii_lower(username);
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT id, username, role, created_at, deactivated, password_hash FROM users "
      "WHERE username_key = ?1");
  statement.bind(1, key);
  if (!statement.step()) return std::nullopt;
  return Credentials{read_user(statement), statement.text(5)};
}

std::optional<User> SqliteStore::find_user(std::int64_t user_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(std::string(kSelectUsers) + "WHERE id = ?1");
  statement.bind(1, user_id);
  if (!statement.step()) return std::nullopt;
  return read_user(statement);
}

std::optional<User> SqliteStore::find_user_by_name(std::string_view username) {
  std::string key = ascii_lower(username);
  auto reader = readers_.acquire();
  auto statement = reader->statement(std::string(kSelectUsers) + "WHERE username_key = ?1");
  statement.bind(1, key);
  if (!statement.step()) return std::nullopt;
  return read_user(statement);
}

bool SqliteStore::set_role(std::int64_t user_id, std::string_view role) {
  if (role != "user" && role != "admin") throw std::invalid_argument("role must be user or admin");
  std::lock_guard lock(write_mutex_);
  writer_.statement("UPDATE users SET role = ?2 WHERE id = ?1")
      .bind(1, user_id)
      .bind(2, role)
      .run();
  return writer_.changes() > 0;
}

// Refresh tokens, sessions and two-factor: sqlite_store_accounts.cpp.

// --- rooms ---

std::optional<Room> SqliteStore::create_room(std::string_view name, bool is_private,
                                             std::int64_t owner_id,
                                             std::optional<std::string> access_code_hash,
                                             std::int64_t now_ms) {
  std::string key = fold_case(name);
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  std::int64_t room_id = 0;
  {
    auto insert = writer_.statement(
        "INSERT INTO rooms (name, name_key, is_private, is_dm, owner_id, access_code_hash, "
        "created_at) VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6) ON CONFLICT (name_key) DO NOTHING "
        "RETURNING id");
    insert.bind(1, name).bind(2, key).bind(3, is_private ? 1 : 0).bind(4, owner_id);
    insert.bind(5, access_code_hash).bind(6, now_ms);
    if (!insert.step()) return std::nullopt;
    room_id = insert.int64(0);
    insert.run();
  }
  writer_.statement("INSERT INTO members (room_id, user_id, joined_at) VALUES (?1, ?2, ?3)")
      .bind(1, room_id)
      .bind(2, owner_id)
      .bind(3, now_ms)
      .run();
  transaction.commit();
  return Room{room_id, std::string(name), is_private, false, owner_id, now_ms, 1,
              true,    std::nullopt};
}

std::optional<Room> SqliteStore::find_room_on(SqliteConnection& connection, std::int64_t room_id,
                                              std::int64_t viewer_id) {
  auto statement = connection.statement(kFindRoom);
  statement.bind(1, room_id).bind(2, viewer_id);
  if (!statement.step()) return std::nullopt;
  return read_room(statement);
}

std::optional<Room> SqliteStore::find_room(std::int64_t room_id, std::int64_t viewer_id) {
  auto reader = readers_.acquire();
  return find_room_on(*reader, room_id, viewer_id);
}

std::optional<Room> SqliteStore::room_overview(std::int64_t room_id, std::int64_t viewer_id) {
  auto reader = readers_.acquire();
  auto room = find_room_on(*reader, room_id, viewer_id);
  if (room) add_reading(*reader, *room, viewer_id);
  return room;
}

void SqliteStore::add_reading(SqliteConnection& connection, Room& room, std::int64_t viewer_id) {
  if (!room.joined) return;
  domain::RoomReading reading;
  reading.read = read_state_on(connection, room.id, viewer_id);
  auto last = connection.statement(kMessagesFrom +
                                   "WHERE m.room_id = ?1 AND m.deleted = 0 ORDER BY m.id DESC "
                                   "LIMIT 1");
  last.bind(1, room.id);
  if (last.step()) reading.last_message = read_message(last);
  room.reading = std::move(reading);
}

std::vector<Room> SqliteStore::list_rooms(std::int64_t viewer_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT id, name, is_private, is_dm, owner_id, created_at, member_count, joined FROM ("
      "SELECT r.*, EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = ?1) "
      "AS joined FROM rooms r) WHERE is_private = 0 OR joined ORDER BY id");
  statement.bind(1, viewer_id);
  auto rooms = read_rows(statement, read_room<SqliteStatement>);
  for (Room& room : rooms) add_reading(*reader, room, viewer_id);
  return rooms;
}

std::optional<std::string> SqliteStore::access_code_hash(std::int64_t room_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement("SELECT access_code_hash FROM rooms WHERE id = ?1");
  statement.bind(1, room_id);
  if (!statement.step()) return std::nullopt;
  return statement.optional_text(0);
}

bool SqliteStore::add_member(std::int64_t room_id, std::int64_t user_id, std::int64_t now_ms) {
  std::lock_guard lock(write_mutex_);
  // A missing room or user is a foreign-key failure: report "not added" rather than throw.
  writer_
      .statement(
          "INSERT INTO members (room_id, user_id, joined_at) SELECT ?1, ?2, ?3 "
          "WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ?1) "
          "AND EXISTS (SELECT 1 FROM users WHERE id = ?2) ON CONFLICT DO NOTHING")
      .bind(1, room_id)
      .bind(2, user_id)
      .bind(3, now_ms)
      .run();
  return writer_.changes() > 0;
}

bool SqliteStore::remove_member(std::int64_t room_id, std::int64_t user_id) {
  std::lock_guard lock(write_mutex_);
  writer_.statement("DELETE FROM members WHERE room_id = ?1 AND user_id = ?2")
      .bind(1, room_id)
      .bind(2, user_id)
      .run();
  return writer_.changes() > 0;
}

bool SqliteStore::is_member(std::int64_t room_id, std::int64_t user_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement("SELECT 1 FROM members WHERE room_id = ?1 AND user_id = ?2");
  statement.bind(1, room_id).bind(2, user_id);
  return statement.step();
}

std::vector<Member> SqliteStore::members(std::int64_t room_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT m.user_id, u.username, m.user_id = r.owner_id, COALESCE(s.last_read, 0) "
      "FROM members m JOIN users u ON u.id = m.user_id JOIN rooms r ON r.id = m.room_id "
      "LEFT JOIN read_states s ON s.room_id = m.room_id AND s.user_id = m.user_id "
      "WHERE m.room_id = ?1 ORDER BY m.joined_at, m.user_id");
  statement.bind(1, room_id);
  return read_rows(statement, read_member<SqliteStatement>);
}

bool SqliteStore::delete_room(std::int64_t room_id) {
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  // The files its messages carried are detached (collected once no other message carries them).
  writer_
      .statement(
          "UPDATE uploads SET detached_at = ?2 WHERE id IN (SELECT a.upload_id FROM "
          "message_attachments a JOIN messages m ON m.id = a.message_id WHERE m.room_id = ?1)")
      .bind(1, room_id)
      .bind(2, now_ms())
      .run();
  // Members and messages go by ON DELETE CASCADE.
  writer_.statement("DELETE FROM rooms WHERE id = ?1").bind(1, room_id).run();
  const bool deleted = writer_.changes() > 0;
  transaction.commit();
  pending_keys_.erase_room(room_id);
  room_seqs_.erase(room_id);
  return deleted;
}

Room SqliteStore::get_or_create_dm(const User& a, const User& b, std::int64_t now_ms) {
  const domain::DirectRoom dm = domain::direct_room(a, b);
  std::lock_guard lock(write_mutex_);
  SqliteTransaction transaction(writer_);
  writer_
      .statement(
          "INSERT INTO rooms (name, name_key, is_private, is_dm, dm_key, owner_id, created_at) "
          "VALUES (?1, NULL, 1, 1, ?2, ?3, ?4) ON CONFLICT (dm_key) DO NOTHING")
      .bind(1, dm.name)
      .bind(2, dm.key)
      .bind(3, a.id)
      .bind(4, now_ms)
      .run();
  std::int64_t room_id = 0;
  {
    auto find = writer_.statement("SELECT id FROM rooms WHERE dm_key = ?1");
    find.bind(1, dm.key);
    if (!find.step()) throw std::logic_error("direct-message room vanished");
    room_id = find.int64(0);
  }
  // Both sides are (again) members: opening a DM brings back a side that had left it.
  for (std::int64_t user_id : {a.id, b.id}) {
    writer_
        .statement(
            "INSERT INTO members (room_id, user_id, joined_at) VALUES (?1, ?2, ?3) "
            "ON CONFLICT DO NOTHING")
        .bind(1, room_id)
        .bind(2, user_id)
        .bind(3, now_ms)
        .run();
  }
  auto room = find_room_on(writer_, room_id, a.id);
  transaction.commit();
  return *room;
}

// --- messages ---

std::vector<Message> SqliteStore::messages_before(std::int64_t room_id,
                                                  std::optional<std::int64_t> before, int limit) {
  if (limit <= 0) return {};
  auto reader = readers_.acquire();
  auto statement = reader->statement(kMessagesBefore);
  statement.bind(1, room_id);
  statement.bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()));
  statement.bind(3, static_cast<std::int64_t>(limit));
  return read_rows(statement, [](const SqliteStatement& row) { return read_message(row); });
}

std::vector<Message> SqliteStore::messages_after(std::int64_t room_id, std::int64_t after,
                                                 int limit) {
  if (limit <= 0) return {};
  auto reader = readers_.acquire();
  auto statement = reader->statement(kMessagesAfter);
  statement.bind(1, room_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return read_rows(statement, [](const SqliteStatement& row) { return read_message(row); });
}

std::vector<Message> SqliteStore::changes_since(std::int64_t room_id, std::int64_t since,
                                                int limit) {
  if (limit <= 0) return {};
  auto reader = readers_.acquire();
  auto statement = reader->statement(kChangesSince);
  statement.bind(1, room_id).bind(2, since).bind(3, static_cast<std::int64_t>(limit));
  return read_rows(statement, [](const SqliteStatement& row) { return read_message(row); });
}

Store::CatchUp SqliteStore::catch_up(std::int64_t room_id, std::int64_t since, int missed_limit,
                                     int changed_limit) {
  auto reader = readers_.acquire();
  CatchUp out;
  // One read transaction: one snapshot for the pages and the position they cover.
  SqliteSnapshot snapshot(*reader);
  {
    auto missed = reader->statement(kMessagesAfter);
    missed.bind(1, room_id).bind(2, since).bind(3, static_cast<std::int64_t>(missed_limit));
    out.missed = read_rows(missed, [](const SqliteStatement& row) { return read_message(row); });
  }
  {
    auto changed = reader->statement(kChangedBefore);
    changed.bind(1, room_id).bind(2, since).bind(3, static_cast<std::int64_t>(changed_limit));
    out.changed = read_rows(changed, [](const SqliteStatement& row) { return read_message(row); });
  }
  {
    auto newest = reader->statement(
        "SELECT COALESCE((SELECT MAX(id) FROM messages WHERE room_id = ?1), 0), "
        "COALESCE((SELECT MAX(rev) FROM messages WHERE room_id = ?1 AND rev IS NOT NULL), 0)");
    newest.bind(1, room_id);
    if (newest.step()) out.newest_position = std::max(newest.int64(0), newest.int64(1));
  }
  return out;
}

std::vector<Message> SqliteStore::replies(std::int64_t room_id, std::int64_t parent_id,
                                          std::int64_t after, int limit) {
  if (limit <= 0) return {};
  auto reader = readers_.acquire();
  auto statement = reader->statement(kReplies);
  statement.bind(1, room_id).bind(2, parent_id).bind(3, after);
  statement.bind(4, static_cast<std::int64_t>(limit));
  return read_rows(statement, [](const SqliteStatement& row) { return read_message(row); });
}

std::optional<Message> SqliteStore::find_message(std::int64_t room_id, std::int64_t message_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(kMessagesFrom + "WHERE m.id = ?2 AND m.room_id = ?1");
  statement.bind(1, room_id).bind(2, message_id);
  if (!statement.step()) return std::nullopt;
  return read_message(statement);
}

std::vector<Message> SqliteStore::search_messages(const SearchQuery& query) {
  if (query.limit <= 0 || query.words.empty()) return {};
  auto reader = readers_.acquire();
  // Bound without a copy: the text must outlive the statement's use.
  const std::string match = fts5_match(query.words);
  auto statement = reader->statement(kSearch);
  statement.bind(1, match).bind(2, query.viewer_id);
  statement.bind(3, query.before.value_or(std::numeric_limits<std::int64_t>::max()));
  if (query.room_id) {
    statement.bind(4, *query.room_id);
  } else {
    statement.bind_null(4);
  }
  statement.bind(5, static_cast<std::int64_t>(query.limit));
  return read_rows(statement, [](const SqliteStatement& row) { return read_message(row); });
}

domain::ReadState SqliteStore::read_state(std::int64_t room_id, std::int64_t user_id) {
  auto reader = readers_.acquire();
  return read_state_on(*reader, room_id, user_id);
}

std::int64_t SqliteStore::count_rows(std::string_view table) {
  std::string sql = "SELECT COUNT(*) FROM ";
  sql += table;
  auto reader = readers_.acquire();
  auto statement = reader->statement(sql);
  return statement.step() ? statement.int64(0) : 0;
}

}  // namespace parley::store

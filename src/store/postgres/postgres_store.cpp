#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "common/clock.hpp"
#include "common/text.hpp"
#include "domain/direct_room.hpp"
#include "store/postgres/postgres_batch.hpp"
#include "store/postgres/postgres_error.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres/postgres_read_state.hpp"
#include "store/postgres/postgres_row.hpp"
#include "store/postgres/postgres_transaction.hpp"
#include "store/read_counters.hpp"
#include "store/row_mappers.hpp"
#include "store/search_terms.hpp"

namespace parley::store {

using domain::Member;
using domain::Message;
using domain::Room;
using domain::User;

namespace {

// pg_advisory_xact_lock keys ("parley" + n), held until the transaction ends. (+ 1 is the schema
// migrations' lock, + 4 the cluster's publish lock: cluster/ordered_publisher.hpp.)
// Users: the "first user is admin" decision sees every committed user.
constexpr const char* kUsersLock = "SELECT pg_advisory_xact_lock(112585834685545474)";
// Messages: identity values are drawn when a row is inserted, not when it commits, so two
// concurrent transactions (two servers, or two pool connections) could commit ids out of order
// and a reader could see id 11 before id 10 appears. Holding one lock from the first insert to
// COMMIT serialises id assignment with commit: PostgreSQL releases the lock only after the
// commit is visible, so the next batch draws larger ids strictly after it. An advisory lock
// rather than LOCK TABLE, so that readers and deletes are not blocked by it.
constexpr const char* kMessagesLock = "SELECT pg_advisory_xact_lock(112585834685545475)";

// SQLSTATE of a foreign-key violation: the row referenced was deleted meanwhile.
constexpr const char* kForeignKeyViolation = "23503";

// $1 = room, $2 = viewer.
constexpr const char* kFindRoom =
    "SELECT id, name, is_private, is_dm, owner_id, created_at, member_count, "
    "EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = $2::bigint) "
    "FROM rooms r WHERE r.id = $1::bigint";

std::optional<Room> find_room_on(PostgresConnection& connection, std::int64_t room_id,
                                 std::int64_t viewer_id) {
  auto result = connection.query(kFindRoom, {room_id, viewer_id});
  if (result.empty()) return std::nullopt;
  return read_room(PostgresRow(result, 0));
}

const std::string kMessagesFrom =
    std::string("SELECT ") + kMessageColumns + " FROM messages m JOIN users u ON u.id = m.user_id ";
const std::string kMessagesBefore =
    kMessagesFrom +
    "WHERE m.room_id = $1::bigint AND m.id < $2::bigint ORDER BY m.id DESC LIMIT $3::bigint";
const std::string kMessagesAfter =
    kMessagesFrom +
    "WHERE m.room_id = $1::bigint AND m.id > $2::bigint ORDER BY m.id ASC LIMIT $3::bigint";
// $1 = tsquery text (search_terms.hpp), $2 = viewer, $3 = before, $4 = room or NULL, $5 = limit.
// Membership is a join, so a room the viewer is not in yields no row at any stage.
const std::string kSearch =
    kMessagesFrom +
    "JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = $2::bigint "
    "WHERE m.search @@ to_tsquery('simple', parley_fold($1::text)) AND NOT m.deleted "
    "AND m.id < $3::bigint AND ($4::bigint IS NULL OR m.room_id = $4::bigint) "
    "ORDER BY m.id DESC LIMIT $5::bigint";
// The messages stored or changed after $2, by position: unchanged new ones by id, changed ones by
// rev (each number is drawn once, so the two never tie).
const std::string kChangesSince =
    "SELECT * FROM ((" + kMessagesFrom +
    "WHERE m.room_id = $1::bigint AND m.id > $2::bigint AND m.rev IS NULL ORDER BY m.id "
    "LIMIT $3::bigint) UNION ALL (" +
    kMessagesFrom +
    "WHERE m.room_id = $1::bigint AND m.rev > $2::bigint ORDER BY m.rev LIMIT $3::bigint)) c "
    "ORDER BY GREATEST(c.id, COALESCE(c.rev, 0)) LIMIT $3::bigint";
const std::string kChangedBefore = kMessagesFrom +
                                   "WHERE m.room_id = $1::bigint AND m.rev > $2::bigint AND "
                                   "m.id <= $2::bigint ORDER BY m.rev LIMIT $3::bigint";
const std::string kReplies = kMessagesFrom +
                             "WHERE m.reply_to = $2::bigint AND m.room_id = $1::bigint AND "
                             "m.id > $3::bigint ORDER BY m.id LIMIT $4::bigint";

// A room as its viewer ($1) sees it, with, for a member, the read-state counters and the newest
// message that is not deleted (columns 8-13, then kMessageColumns from 14): one statement for a
// whole room list. Each lateral part is empty for a room the viewer is not in.
const std::string kRoomOverview =
    "SELECT r.id, r.name, r.is_private, r.is_dm, r.owner_id, r.created_at, r.member_count, "
    "j.joined, s.last_read, s.read_seq, s.own_unread, n.room_seq, d.deleted_after, "
    "mc.mention_count, lm.* FROM rooms r "
    "CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND "
    "m.user_id = $1::bigint) AS joined) j "
    "LEFT JOIN read_states s ON s.room_id = r.id AND s.user_id = $1::bigint "
    "LEFT JOIN LATERAL (SELECT room_seq FROM messages WHERE j.joined AND room_id = r.id "
    "ORDER BY id DESC LIMIT 1) n ON TRUE "
    "LEFT JOIN LATERAL (SELECT count(*) AS deleted_after FROM messages WHERE j.joined AND "
    "room_id = r.id AND deleted AND id > COALESCE(s.last_read, 0)) d ON TRUE "
    "LEFT JOIN LATERAL (SELECT count(*) AS mention_count FROM mentions WHERE j.joined AND "
    "room_id = r.id AND user_id = $1::bigint AND message_id > COALESCE(s.last_read, 0)) mc ON TRUE "
    "LEFT JOIN LATERAL (" +
    kMessagesFrom +
    "WHERE j.joined AND m.room_id = r.id AND NOT m.deleted ORDER BY m.id DESC LIMIT 1) lm "
    "ON TRUE ";

Room read_overview(const PostgresResult& result, int row) {
  PostgresRow r(result, row);
  Room room = read_room(r);
  if (!room.joined) return room;
  auto value = [&](int column) { return r.is_null(column) ? 0 : r.int64(column); };
  domain::RoomReading reading;
  reading.read =
      read_state_from(room.id, {value(8), value(9), value(10), value(11), value(12), value(13)});
  if (!r.is_null(14)) reading.last_message = read_message(r, 14);
  room.reading = std::move(reading);
  return room;
}

// Every row of `result`, read by `read` (one of the row mappers).
template <typename Read>
auto read_rows(const PostgresResult& result, Read read) {
  std::vector<decltype(read(PostgresRow(result, 0)))> out;
  out.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) out.push_back(read(PostgresRow(result, row)));
  return out;
}

}  // namespace

PostgresStore::PostgresStore(std::string url, std::size_t pool_size)
    : pool_(std::move(url), pool_size) {
  auto connection = pool_.acquire();
  apply_postgres_migrations(*connection);
}

PostgresStore::~PostgresStore() = default;

bool PostgresStore::ping() {
  try {
    auto connection = pool_.acquire();
    auto result = connection->query("SELECT 1");
    return result.rows() == 1 && result.int64(0, 0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

// --- users ---

std::optional<User> PostgresStore::create_user(std::string_view username,
                                               std::string_view password_hash,
                                               std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  connection->exec(kUsersLock);
  // Under the lock, this statement's snapshot holds every committed user: one first admin.
  auto result = connection->query(
      "INSERT INTO users (username, password_hash, role, created_at) "
      "VALUES ($1, $2, CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'user' ELSE 'admin' END, $3) "
      "ON CONFLICT ((lower(username COLLATE \"C\"))) DO NOTHING RETURNING id, role",
      {username, password_hash, now_ms});
  if (result.empty()) return std::nullopt;
  User user{result.int64(0, 0), std::string(username), result.text(0, 1), now_ms};
  transaction.commit();
  return user;
}

std::optional<Credentials> PostgresStore::find_credentials(std::string_view username) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT id, username, role, created_at, deactivated, password_hash FROM users "
      "WHERE lower(username COLLATE \"C\") = lower($1::text COLLATE \"C\")",
      {username});
  if (result.empty()) return std::nullopt;
  return Credentials{read_user(PostgresRow(result, 0)), result.text(0, 5)};
}

std::optional<User> PostgresStore::find_user(std::int64_t user_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(std::string(kSelectUsers) + "WHERE id = $1::bigint", {user_id});
  if (result.empty()) return std::nullopt;
  return read_user(PostgresRow(result, 0));
}

std::optional<User> PostgresStore::find_user_by_name(std::string_view username) {
  auto connection = pool_.acquire();
  auto result =
      connection->query(std::string(kSelectUsers) +
                            "WHERE lower(username COLLATE \"C\") = lower($1::text COLLATE \"C\")",
                        {username});
  if (result.empty()) return std::nullopt;
  return read_user(PostgresRow(result, 0));
}

bool PostgresStore::set_role(std::int64_t user_id, std::string_view role) {
  if (role != "user" && role != "admin") throw std::invalid_argument("role must be user or admin");
  auto connection = pool_.acquire();
  return connection->query("UPDATE users SET role = $2 WHERE id = $1::bigint", {user_id, role})
             .affected() > 0;
}

// Refresh tokens, sessions and two-factor: postgres_store_accounts.cpp.

// --- rooms ---

std::optional<Room> PostgresStore::create_room(std::string_view name, bool is_private,
                                               std::int64_t owner_id,
                                               std::optional<std::string> access_code_hash,
                                               std::int64_t now_ms) {
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  auto inserted = connection->query(
      "INSERT INTO rooms (name, name_key, is_private, is_dm, owner_id, access_code_hash, "
      "created_at) VALUES ($1, $6, $2, FALSE, $3, $4, $5) "
      "ON CONFLICT (name_key) WHERE NOT is_dm DO NOTHING RETURNING id",
      {name, PostgresParam::boolean(is_private), owner_id, access_code_hash, now_ms,
       fold_case(name)});
  if (inserted.empty()) return std::nullopt;
  std::int64_t room_id = inserted.int64(0, 0);
  connection->query("INSERT INTO members (room_id, user_id, joined_at) VALUES ($1, $2, $3)",
                    {room_id, owner_id, now_ms});
  transaction.commit();
  return Room{room_id, std::string(name), is_private, false, owner_id, now_ms, 1,
              true,    std::nullopt};
}

std::optional<Room> PostgresStore::find_room(std::int64_t room_id, std::int64_t viewer_id) {
  auto connection = pool_.acquire();
  return find_room_on(*connection, room_id, viewer_id);
}

std::optional<Room> PostgresStore::room_overview(std::int64_t room_id, std::int64_t viewer_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(kRoomOverview + "WHERE r.id = $2::bigint", {viewer_id, room_id});
  if (result.empty()) return std::nullopt;
  return read_overview(result, 0);
}

std::vector<Room> PostgresStore::list_rooms(std::int64_t viewer_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      kRoomOverview + "WHERE NOT r.is_private OR j.joined ORDER BY r.id", {viewer_id});
  std::vector<Room> rooms;
  rooms.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) rooms.push_back(read_overview(result, row));
  return rooms;
}

std::optional<std::string> PostgresStore::access_code_hash(std::int64_t room_id) {
  auto connection = pool_.acquire();
  auto result =
      connection->query("SELECT access_code_hash FROM rooms WHERE id = $1::bigint", {room_id});
  if (result.empty()) return std::nullopt;
  return result.optional_text(0, 0);
}

bool PostgresStore::add_member(std::int64_t room_id, std::int64_t user_id, std::int64_t now_ms) {
  auto connection = pool_.acquire();
  try {
    return connection
               ->query(
                   "INSERT INTO members (room_id, user_id, joined_at) "
                   "SELECT $1::bigint, $2::bigint, $3::bigint "
                   "WHERE EXISTS (SELECT 1 FROM rooms WHERE id = $1::bigint) "
                   "AND EXISTS (SELECT 1 FROM users WHERE id = $2::bigint) "
                   "ON CONFLICT DO NOTHING",
                   {room_id, user_id, now_ms})
               .affected() > 0;
  } catch (const PostgresError& e) {
    // The room (or user) was deleted between the EXISTS check and the foreign-key check.
    if (e.sqlstate() == kForeignKeyViolation) return false;
    throw;
  }
}

bool PostgresStore::remove_member(std::int64_t room_id, std::int64_t user_id) {
  auto connection = pool_.acquire();
  return connection
             ->query("DELETE FROM members WHERE room_id = $1::bigint AND user_id = $2::bigint",
                     {room_id, user_id})
             .affected() > 0;
}

bool PostgresStore::is_member(std::int64_t room_id, std::int64_t user_id) {
  auto connection = pool_.acquire();
  return !connection
              ->query("SELECT 1 FROM members WHERE room_id = $1::bigint AND user_id = $2::bigint",
                      {room_id, user_id})
              .empty();
}

std::vector<Member> PostgresStore::members(std::int64_t room_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT m.user_id, u.username, m.user_id = r.owner_id, COALESCE(s.last_read, 0) "
      "FROM members m JOIN users u ON u.id = m.user_id JOIN rooms r ON r.id = m.room_id "
      "LEFT JOIN read_states s ON s.room_id = m.room_id AND s.user_id = m.user_id "
      "WHERE m.room_id = $1::bigint ORDER BY m.joined_at, m.user_id",
      {room_id});
  return read_rows(result, read_member<PostgresRow>);
}

bool PostgresStore::delete_room(std::int64_t room_id) {
  auto connection = pool_.acquire();
  // Members and messages go by ON DELETE CASCADE, in the same statement's transaction; the files
  // its messages carried are detached (collected once no other message carries them).
  return connection
             ->query(
                 "WITH detached AS (UPDATE uploads SET detached_at = $2::bigint WHERE id IN "
                 "(SELECT a.upload_id FROM message_attachments a JOIN messages m ON "
                 "m.id = a.message_id WHERE m.room_id = $1::bigint)) "
                 "DELETE FROM rooms WHERE id = $1::bigint",
                 {room_id, now_ms()})
             .affected() > 0;
}

Room PostgresStore::get_or_create_dm(const User& a, const User& b, std::int64_t now_ms) {
  const domain::DirectRoom dm = domain::direct_room(a, b);
  auto connection = pool_.acquire();
  PostgresTransaction transaction(*connection);
  // A concurrent creator makes ON CONFLICT wait for its commit; the SELECT (a new statement,
  // so a new snapshot) then sees its room.
  connection->query(
      "INSERT INTO rooms (name, is_private, is_dm, dm_key, owner_id, created_at) "
      "VALUES ($1, TRUE, TRUE, $2, $3, $4) ON CONFLICT (dm_key) DO NOTHING",
      {dm.name, dm.key, a.id, now_ms});
  auto found = connection->query("SELECT id FROM rooms WHERE dm_key = $1", {dm.key});
  if (found.empty()) throw std::logic_error("direct-message room vanished");
  std::int64_t room_id = found.int64(0, 0);
  // Both sides are (again) members: opening a DM brings back a side that had left it.
  for (std::int64_t user_id : {a.id, b.id}) {
    connection->query(
        "INSERT INTO members (room_id, user_id, joined_at) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        {room_id, user_id, now_ms});
  }
  auto room = find_room_on(*connection, room_id, a.id);
  transaction.commit();
  return *room;
}

// --- messages ---

std::vector<WriteResult> PostgresStore::write_batch(std::span<const Write> batch,
                                                    std::int64_t now_ms) {
  if (batch.empty()) return {};
  auto lease = pool_.acquire();
  PostgresConnection& connection = *lease;
  PostgresTransaction transaction(connection);
  connection.exec(kMessagesLock);
  auto results = PostgresBatch(connection, now_ms).run(batch);
  transaction.commit();
  return results;
}

std::vector<Message> PostgresStore::messages_before(std::int64_t room_id,
                                                    std::optional<std::int64_t> before, int limit) {
  if (limit <= 0) return {};
  auto connection = pool_.acquire();
  auto result = connection->query(
      kMessagesBefore, {room_id, before.value_or(std::numeric_limits<std::int64_t>::max()),
                        static_cast<std::int64_t>(limit)});
  return read_rows(result, [](const PostgresRow& row) { return read_message(row); });
}

std::vector<Message> PostgresStore::messages_after(std::int64_t room_id, std::int64_t after,
                                                   int limit) {
  if (limit <= 0) return {};
  auto connection = pool_.acquire();
  auto result =
      connection->query(kMessagesAfter, {room_id, after, static_cast<std::int64_t>(limit)});
  return read_rows(result, [](const PostgresRow& row) { return read_message(row); });
}

std::vector<Message> PostgresStore::changes_since(std::int64_t room_id, std::int64_t since,
                                                  int limit) {
  if (limit <= 0) return {};
  auto connection = pool_.acquire();
  auto result =
      connection->query(kChangesSince, {room_id, since, static_cast<std::int64_t>(limit)});
  return read_rows(result, [](const PostgresRow& row) { return read_message(row); });
}

Store::CatchUp PostgresStore::catch_up(std::int64_t room_id, std::int64_t since, int missed_limit,
                                       int changed_limit) {
  auto connection = pool_.acquire();
  CatchUp out;
  // One snapshot for the pages and the position they cover.
  PostgresTransaction snapshot(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  out.missed = read_rows(
      connection->query(kMessagesAfter, {room_id, since, static_cast<std::int64_t>(missed_limit)}),
      [](const PostgresRow& row) { return read_message(row); });
  out.changed = read_rows(
      connection->query(kChangedBefore, {room_id, since, static_cast<std::int64_t>(changed_limit)}),
      [](const PostgresRow& row) { return read_message(row); });
  auto newest = connection->query(
      "SELECT COALESCE((SELECT MAX(id) FROM messages WHERE room_id = $1::bigint), 0), "
      "COALESCE((SELECT MAX(rev) FROM messages WHERE room_id = $1::bigint AND rev IS NOT NULL), "
      "0)",
      {room_id});
  out.newest_position = std::max(newest.int64(0, 0), newest.int64(0, 1));
  snapshot.commit();
  return out;
}

std::vector<Message> PostgresStore::replies(std::int64_t room_id, std::int64_t parent_id,
                                            std::int64_t after, int limit) {
  if (limit <= 0) return {};
  auto connection = pool_.acquire();
  auto result =
      connection->query(kReplies, {room_id, parent_id, after, static_cast<std::int64_t>(limit)});
  return read_rows(result, [](const PostgresRow& row) { return read_message(row); });
}

std::optional<Message> PostgresStore::find_message(std::int64_t room_id, std::int64_t message_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      kMessagesFrom + "WHERE m.id = $2::bigint AND m.room_id = $1::bigint", {room_id, message_id});
  if (result.empty()) return std::nullopt;
  return read_message(PostgresRow(result, 0));
}

std::vector<Message> PostgresStore::search_messages(const SearchQuery& query) {
  if (query.limit <= 0 || query.words.empty()) return {};
  auto connection = pool_.acquire();
  std::optional<std::string> room;
  if (query.room_id) room = std::to_string(*query.room_id);
  auto result =
      connection->query(kSearch, {tsquery_text(query.words), query.viewer_id,
                                  query.before.value_or(std::numeric_limits<std::int64_t>::max()),
                                  room, static_cast<std::int64_t>(query.limit)});
  return read_rows(result, [](const PostgresRow& row) { return read_message(row); });
}

domain::ReadState PostgresStore::read_state(std::int64_t room_id, std::int64_t user_id) {
  auto connection = pool_.acquire();
  return read_state_on(*connection, room_id, user_id);
}

std::int64_t PostgresStore::count_rows(std::string_view table) {
  std::string sql = "SELECT COUNT(*) FROM ";
  sql += table;
  auto connection = pool_.acquire();
  auto result = connection->query(sql);
  return result.empty() ? 0 : result.int64(0, 0);
}

}  // namespace parley::store

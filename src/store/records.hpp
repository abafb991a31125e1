#pragma once
// Plain records the store reads and writes. Times are epoch milliseconds.

#include <cstdint>
#include <optional>
#include <string>

namespace parley::store {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string role;  // "user" | "admin"
  std::int64_t created_at_ms = 0;
};

struct Credentials {
  User user;
  std::string password_hash;  // libsodium crypto_pwhash_str output
};

struct Room {
  std::int64_t id = 0;
  std::string name;
  bool is_private = false;
  bool is_dm = false;
  std::int64_t owner_id = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t member_count = 0;
  bool joined = false;  // whether the viewer passed to the query is a member
};

struct Member {
  std::int64_t user_id = 0;
  std::string username;
  bool is_owner = false;
};

struct Message {
  std::int64_t id = 0;
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string username;
  std::string body;
  std::int64_t ts_ms = 0;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;  // compact JSON object text, stored as sent
};

struct NewMessage {
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string body;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;
};

enum class AppendStatus {
  stored,              // new message, `message` filled
  duplicate,           // same sender + room + client_id already stored, `message` is that one
  room_not_found,      // no such room (or deleted)
  not_member_public,   // room is public, sender not a member
  not_member_private,  // room is private, sender not a member
};

struct AppendResult {
  AppendStatus status = AppendStatus::room_not_found;
  Message message;
};

enum class RotateStatus {
  rotated,  // old token was live; it is now used and the new one is live in the same family
  unknown,  // no such token, expired, or revoked
  reused,   // old token had already been rotated: the whole family is now revoked
};

struct RotateResult {
  RotateStatus status = RotateStatus::unknown;
  std::int64_t user_id = 0;
};

}  // namespace parley::store

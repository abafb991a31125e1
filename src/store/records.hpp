#pragma once
// What the store's calls take and return beyond the chat's own records (domain/): credentials,
// a message to append and the outcome of an append or a token rotation. Times are epoch
// milliseconds.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/message.hpp"
#include "domain/user.hpp"

namespace parley::store {

struct Credentials {
  domain::User user;
  std::string password_hash;  // libsodium crypto_pwhash_str output
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
  domain::Message message;
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

#pragma once
// What the store's calls take and return beyond the chat's own records (domain/): credentials,
// a message to append, the outcome of an append or a token rotation, sessions and two-factor
// state. Times are epoch milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  std::int64_t session_id = 0;  // rotated: the session it continues; reused: the one now ended
};

// One login: a refresh-token family. Ended by logout, by its owner, a password change or a
// deactivation; its tokens are then refused.
struct Session {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t last_used_at_ms = 0;  // creation, then each refresh
  std::string user_agent;
  std::string ip;
  std::int64_t ended_at_ms = 0;  // 0 while live
};

struct NewSession {
  std::int64_t user_id = 0;
  std::string refresh_token_hash;
  std::string family;
  std::string user_agent;
  std::string ip;
  std::int64_t expires_at_ms = 0;  // of the first refresh token
};

// A session that has ended, as the revocation list needs it.
struct EndedSession {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t ended_at_ms = 0;
};

// A user's two-factor state. Secrets are stored sealed (auth::SecretSealer), never in the clear.
struct TotpState {
  std::optional<std::string> secret;          // sealed; set while two-factor is on
  std::optional<std::string> pending_secret;  // sealed; an enrolment awaiting confirmation
  std::int64_t last_step = 0;                 // the last accepted step: codes up to it are spent
};

}  // namespace parley::store

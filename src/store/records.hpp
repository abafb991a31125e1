#pragma once
// What the store's calls take and return beyond the chat's own records (domain/): credentials,
// the writes of the group-commit writer and their outcomes, a token rotation's outcome, sessions
// and two-factor state. Times are epoch milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/message.hpp"
#include "domain/read_state.hpp"
#include "domain/user.hpp"

namespace parley::store {

struct Credentials {
  domain::User user;
  std::string password_hash;  // libsodium crypto_pwhash_str output
};

// --- the writes that go through the MessageWriter, each validated by the caller ---

struct NewMessage {
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string body;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;
  std::optional<std::int64_t> reply_to;
  // Ids of the sender's own uploads, at most 10 (initialised so that older aggregate
  // initialisations stay complete).
  std::vector<std::int64_t> attachments = {};
};

struct EditMessage {
  std::int64_t room_id = 0;
  std::int64_t message_id = 0;
  std::int64_t user_id = 0;  // who edits: must be the author
  std::string body;
  bool replace_meta = false;  // meta given: replaced by meta_json
  std::optional<std::string> meta_json;
};

struct DeleteMessage {
  std::int64_t room_id = 0;
  std::int64_t message_id = 0;
  std::int64_t user_id = 0;  // who deletes: the author, the room's owner or an admin
};

struct ReactMessage {
  std::int64_t room_id = 0;
  std::int64_t message_id = 0;
  std::int64_t user_id = 0;
  std::string emoji;
  bool on = true;  // add (true) or remove (false) the user's reaction
};

struct MarkRead {
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::int64_t up_to = 0;
};

using Write = std::variant<NewMessage, EditMessage, DeleteMessage, ReactMessage, MarkRead>;

enum class WriteStatus {
  stored,              // a new message, `message` filled
  duplicate,           // same sender + room + client_id already stored, `message` is that one
  changed,             // applied: `message` (or `read`) in its new state
  unchanged,           // nothing to change (a repeated reaction, a second delete, a read behind
                       // the position): `message` (or `read`) as it stands, no position drawn
  room_not_found,      // no such room (or deleted)
  not_member_public,   // room is public, the writer is not a member
  not_member_private,  // room is private, the writer is not a member
  message_not_found,   // no such message in that room
  forbidden,           // not allowed to change that message (`detail` says why)
  conflict,            // the message is deleted
  invalid,             // the write names something it may not (`detail` names the field)
};

struct WriteResult {
  WriteStatus status = WriteStatus::room_not_found;
  std::string detail;
  domain::Message message;
  // A new reply's parent in its new state (reply_count, last_reply_at and a new rev).
  std::optional<domain::Message> parent;
  // Users the write made the message mention that it did not before (a send: all of them).
  std::vector<std::int64_t> new_mentions;
  domain::ReadState read;         // MarkRead
  std::int64_t member_count = 0;  // MarkRead: the room's size, for receipts
};

// The v1 names of an append's outcome.
using AppendStatus = WriteStatus;
using AppendResult = WriteResult;

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

// A search of the messages a user may read (PROTOCOL.md "Search"): every word must appear, the
// last one also as a prefix. `words` are text_words() of the query (common/text.hpp), at least
// one; they are all a backend's query is built from.
struct SearchQuery {
  std::int64_t viewer_id = 0;
  std::vector<std::string> words;
  std::optional<std::int64_t> room_id;  // only this room (the caller checked it may read it)
  std::optional<std::int64_t> before;   // ids below this one
  int limit = 20;
};

// A user's two-factor state. Secrets are stored sealed (auth::SecretSealer), never in the clear.
struct TotpState {
  std::optional<std::string> secret;          // sealed; set while two-factor is on
  std::optional<std::string> pending_secret;  // sealed; an enrolment awaiting confirmation
  std::int64_t last_step = 0;                 // the last accepted step: codes up to it are spent
};

}  // namespace parley::store

#pragma once
// The persistence interface. Every call is blocking and thread-safe: callers run it off the
// network threads (a worker pool, or the MessageWriter for message appends).
// Implementations throw StoreUnavailable when the backing database cannot be reached.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/message.hpp"
#include "domain/read_state.hpp"
#include "domain/room.hpp"
#include "domain/upload.hpp"
#include "domain/user.hpp"
#include "store/records.hpp"
#include "store/store_unavailable.hpp"

namespace parley::store {

class Store {
 public:
  virtual ~Store() = default;

  // Health check for /readyz: true when a trivial query succeeds.
  virtual bool ping() = 0;

  // --- users. Usernames are unique case-insensitively (ASCII). ---
  // nullopt when the name is taken. The very first user created gets role "admin" (atomically).
  virtual std::optional<domain::User> create_user(std::string_view username,
                                                  std::string_view password_hash,
                                                  std::int64_t now_ms) = 0;
  virtual std::optional<Credentials> find_credentials(std::string_view username) = 0;
  virtual std::optional<domain::User> find_user(std::int64_t user_id) = 0;
  virtual std::optional<domain::User> find_user_by_name(std::string_view username) = 0;
  // false when there is no such user.
  virtual bool set_role(std::int64_t user_id, std::string_view role) = 0;
  // The user's credentials by id (for a password change).
  virtual std::optional<Credentials> credentials_of(std::int64_t user_id) = 0;
  // false when there is no such user.
  virtual bool set_password_hash(std::int64_t user_id, std::string_view password_hash) = 0;
  // The user afterwards; nullopt when there is no such user. Ending the sessions is separate
  // (end_sessions), as a deactivated user may have none.
  virtual std::optional<domain::User> set_deactivated(std::int64_t user_id, bool deactivated) = 0;
  // Users by id, ids > after_id, at most `limit` (the admin's list).
  virtual std::vector<domain::User> list_users(std::int64_t after_id, int limit) = 0;

  // --- refresh tokens, stored by hash (32 raw bytes as hex or blob: implementation's choice). ---
  virtual void insert_refresh_token(std::string_view token_hash, std::int64_t user_id,
                                    std::string_view family, std::int64_t expires_at_ms) = 0;
  // Atomically: live old token -> mark used, insert new (same family, new expiry) -> rotated.
  // Already-used old token -> revoke every token of its family -> reused. Else unknown.
  virtual RotateResult rotate_refresh_token(std::string_view old_hash, std::string_view new_hash,
                                            std::int64_t now_ms,
                                            std::int64_t new_expires_at_ms) = 0;
  // Revokes the token's whole family and ends its session (logout); the session ended, or
  // nullopt for an unknown token (a no-op).
  virtual std::optional<EndedSession> revoke_refresh_token(std::string_view token_hash,
                                                           std::int64_t now_ms) = 0;

  // --- sessions: one per refresh-token family (see records.hpp). ---
  // Starts a session with its first refresh token, atomically; 0 when the user does not exist or
  // is deactivated (a login racing a deactivation starts nothing).
  virtual std::int64_t create_session(const NewSession& session, std::int64_t now_ms) = 0;
  virtual std::optional<Session> find_session(std::int64_t session_id) = 0;
  // The user's live sessions (not ended, refresh token not expired at now_ms), by id.
  virtual std::vector<Session> live_sessions(std::int64_t user_id, std::int64_t now_ms) = 0;
  // Ends one of the user's sessions and revokes its refresh tokens; false when it is not the
  // user's or had ended already.
  virtual bool end_session(std::int64_t user_id, std::int64_t session_id, std::int64_t now_ms) = 0;
  // Ends every live session of the user but `keep` (0: all of them); returns the ids ended.
  virtual std::vector<std::int64_t> end_sessions(std::int64_t user_id, std::int64_t keep,
                                                 std::int64_t now_ms) = 0;
  // Sessions ended at or after `since_ms` (the revocation list a starting server loads).
  virtual std::vector<EndedSession> sessions_ended_since(std::int64_t since_ms) = 0;

  // --- two-factor (TOTP). Secrets arrive sealed; recovery codes as hashes. ---
  // nullopt when the user never enrolled (or turned it off).
  virtual std::optional<TotpState> totp_state(std::int64_t user_id) = 0;
  // Starts (or restarts) an enrolment; false when two-factor is on already.
  virtual bool set_pending_totp(std::int64_t user_id, std::string_view sealed_secret) = 0;
  // Turns on the pending secret, if it is still `sealed_secret`, with `step` spent and the given
  // recovery code hashes replacing any earlier ones; false when that enrolment is gone.
  virtual bool enable_totp(std::int64_t user_id, std::string_view sealed_secret, std::int64_t step,
                           const std::vector<std::string>& recovery_code_hashes) = 0;
  // Turns two-factor off: secret, pending enrolment and recovery codes go. false when it was off.
  virtual bool disable_totp(std::int64_t user_id) = 0;
  // Spends `step`: true when it is after the last accepted step (which it becomes), false when a
  // code of that step or a later one was accepted already (a replay).
  virtual bool accept_totp_step(std::int64_t user_id, std::int64_t step) = 0;
  // Spends an unused recovery code; false when there is no such unused code.
  virtual bool use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                 std::int64_t now_ms) = 0;

  // --- rooms. Names are unique case-insensitively among non-DM rooms. ---
  // nullopt when the name is taken. The owner becomes a member.
  virtual std::optional<domain::Room> create_room(std::string_view name, bool is_private,
                                                  std::int64_t owner_id,
                                                  std::optional<std::string> access_code_hash,
                                                  std::int64_t now_ms) = 0;
  // `joined` and member_count are computed for `viewer_id`.
  virtual std::optional<domain::Room> find_room(std::int64_t room_id, std::int64_t viewer_id) = 0;
  // find_room plus, when the viewer is a member, `reading` (read state and newest message).
  virtual std::optional<domain::Room> room_overview(std::int64_t room_id,
                                                    std::int64_t viewer_id) = 0;
  // Every public room plus every private room the viewer is a member of, by id; `reading` for
  // the rooms the viewer is a member of.
  virtual std::vector<domain::Room> list_rooms(std::int64_t viewer_id) = 0;
  // nullopt when the room has no access code (or does not exist).
  virtual std::optional<std::string> access_code_hash(std::int64_t room_id) = 0;
  // true when newly added.
  virtual bool add_member(std::int64_t room_id, std::int64_t user_id, std::int64_t now_ms) = 0;
  // true when it was a member.
  virtual bool remove_member(std::int64_t room_id, std::int64_t user_id) = 0;
  virtual bool is_member(std::int64_t room_id, std::int64_t user_id) = 0;
  // With each member's read position.
  virtual std::vector<domain::Member> members(std::int64_t room_id) = 0;
  // Deletes the room, its members and its messages. true when it existed.
  virtual bool delete_room(std::int64_t room_id) = 0;
  // The private two-person room of a and b (a != b), created on first use with both as members
  // and `a` as owner; the same room from either side afterwards. Named "dm:<low>,<high>" by
  // username order of ids. `joined`/member_count computed for `a`.
  virtual domain::Room get_or_create_dm(const domain::User& a, const domain::User& b,
                                        std::int64_t now_ms) = 0;

  // --- messages. Ids are one increasing sequence: a larger id was stored later. Every change to
  // a message draws its new `rev` from the same sequence, so positions order all of a room's
  // events. ---
  // One transaction for the whole batch, processed in order, one result each (see WriteStatus):
  // assigns ids, positions and ts (now_ms). Checks room, membership and each write's rules inside
  // the transaction; deduplicates sends on (room, sender, client_id), within the batch as well.
  virtual std::vector<WriteResult> write_batch(std::span<const Write> batch,
                                               std::int64_t now_ms) = 0;
  // write_batch for a batch of sends only.
  std::vector<WriteResult> append_messages(std::span<const NewMessage> batch, std::int64_t now_ms);

  // Newest first: ids < before (or the newest when nullopt), at most `limit`; current states.
  virtual std::vector<domain::Message> messages_before(std::int64_t room_id,
                                                       std::optional<std::int64_t> before,
                                                       int limit) = 0;
  // Oldest first: ids > after, at most `limit`; current states.
  virtual std::vector<domain::Message> messages_after(std::int64_t room_id, std::int64_t after,
                                                      int limit) = 0;
  // Every message whose position (rev, or id until it changed) is above `since`, new ones
  // included, in position order, at most `limit`.
  virtual std::vector<domain::Message> changes_since(std::int64_t room_id, std::int64_t since,
                                                     int limit) = 0;
  // What a join with `since` shows, read in one snapshot.
  struct CatchUp {
    std::vector<domain::Message> missed;   // ids > since, oldest first, at most missed_limit
    std::vector<domain::Message> changed;  // ids <= since whose rev > since, by rev
    std::int64_t newest_position = 0;      // the room's newest position in that snapshot
  };
  virtual CatchUp catch_up(std::int64_t room_id, std::int64_t since, int missed_limit,
                           int changed_limit) = 0;
  // The replies to `parent_id` with ids > after, oldest first, at most `limit`.
  virtual std::vector<domain::Message> replies(std::int64_t room_id, std::int64_t parent_id,
                                               std::int64_t after, int limit) = 0;
  // One message of the room in its current state.
  virtual std::optional<domain::Message> find_message(std::int64_t room_id,
                                                      std::int64_t message_id) = 0;
  // The messages matching `query`, newest first, at most query.limit: current states, deleted
  // ones never, and only of rooms the viewer is a member of (checked in the same query).
  virtual std::vector<domain::Message> search_messages(const SearchQuery& query) = 0;
  // The member's read state of the room (all zero when never read).
  virtual domain::ReadState read_state(std::int64_t room_id, std::int64_t user_id) = 0;

  // --- uploads: the rows of the files in the upload directory ---
  // Stores it (every field but id, which is assigned); returns it with its id.
  virtual domain::Upload insert_upload(const domain::Upload& upload) = 0;
  virtual std::optional<domain::Upload> find_upload(std::int64_t upload_id) = 0;
  // Whether the user may download it: the uploader, or a member of a room where a message
  // carries it.
  virtual bool may_download(std::int64_t upload_id, std::int64_t user_id) = 0;
  // Uploads no message carries that were let go by their last message at or before
  // `detached_before_ms`, or never attached and stored at or before `unattached_before_ms`; by id,
  // at most `limit`.
  virtual std::vector<domain::Upload> collectable_uploads(std::int64_t detached_before_ms,
                                                          std::int64_t unattached_before_ms,
                                                          int limit) = 0;
  // Deletes the row unless a message carries it (attached meanwhile); true when deleted.
  virtual bool delete_upload(std::int64_t upload_id) = 0;

  // Counts for /api/admin/stats.
  std::int64_t count_users() { return count_rows("users"); }
  std::int64_t count_rooms() { return count_rows("rooms"); }
  std::int64_t count_messages() { return count_rows("messages"); }

 protected:
  // The number of rows in `table`, one of the tables named above.
  virtual std::int64_t count_rows(std::string_view table) = 0;
};

}  // namespace parley::store

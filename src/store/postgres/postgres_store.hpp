#pragma once
// The Store on a PostgreSQL server: a small pool of connections, each call on one checked-out
// connection; several parley servers may share one database.

#include <cstddef>
#include <cstdint>
#include <string>

#include "store/postgres/postgres_pool.hpp"
#include "store/store.hpp"

namespace parley::store {

class PostgresStore : public Store {
 public:
  // `url`: a libpq URI (postgres://user:pw@host:port/db). Connects and migrates the schema, for
  // which the user needs CREATE on the schema (on PostgreSQL 15: own the database, or a grant).
  // Throws StoreUnavailable when the server cannot be reached, std::runtime_error when the
  // schema is newer than this binary.
  explicit PostgresStore(std::string url, std::size_t pool_size = 4);
  ~PostgresStore() override;

  bool ping() override;

  std::optional<domain::User> create_user(std::string_view username, std::string_view password_hash,
                                          std::int64_t now_ms) override;
  std::optional<Credentials> find_credentials(std::string_view username) override;
  std::optional<domain::User> find_user(std::int64_t user_id) override;
  std::optional<domain::User> find_user_by_name(std::string_view username) override;
  bool set_role(std::int64_t user_id, std::string_view role) override;
  std::optional<Credentials> credentials_of(std::int64_t user_id) override;
  bool set_password_hash(std::int64_t user_id, std::string_view password_hash) override;
  std::optional<domain::User> set_deactivated(std::int64_t user_id, bool deactivated) override;
  std::vector<domain::User> list_users(std::int64_t after_id, int limit) override;

  void insert_refresh_token(std::string_view token_hash, std::int64_t user_id,
                            std::string_view family, std::int64_t expires_at_ms) override;
  RotateResult rotate_refresh_token(std::string_view old_hash, std::string_view new_hash,
                                    std::int64_t now_ms, std::int64_t new_expires_at_ms) override;
  std::optional<EndedSession> revoke_refresh_token(std::string_view token_hash,
                                                   std::int64_t now_ms) override;

  std::int64_t create_session(const NewSession& session, std::int64_t now_ms) override;
  std::optional<Session> find_session(std::int64_t session_id) override;
  std::vector<Session> live_sessions(std::int64_t user_id, std::int64_t now_ms) override;
  bool end_session(std::int64_t user_id, std::int64_t session_id, std::int64_t now_ms) override;
  std::vector<std::int64_t> end_sessions(std::int64_t user_id, std::int64_t keep,
                                         std::int64_t now_ms) override;
  std::vector<EndedSession> sessions_ended_since(std::int64_t since_ms) override;

  std::optional<TotpState> totp_state(std::int64_t user_id) override;
  bool set_pending_totp(std::int64_t user_id, std::string_view sealed_secret) override;
  bool enable_totp(std::int64_t user_id, std::string_view sealed_secret, std::int64_t step,
                   const std::vector<std::string>& recovery_code_hashes) override;
  bool disable_totp(std::int64_t user_id) override;
  bool accept_totp_step(std::int64_t user_id, std::int64_t step) override;
  bool use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                         std::int64_t now_ms) override;

  std::optional<domain::Room> create_room(std::string_view name, bool is_private,
                                          std::int64_t owner_id,
                                          std::optional<std::string> access_code_hash,
                                          std::int64_t now_ms) override;
  std::optional<domain::Room> find_room(std::int64_t room_id, std::int64_t viewer_id) override;
  std::optional<domain::Room> room_overview(std::int64_t room_id, std::int64_t viewer_id) override;
  std::vector<domain::Room> list_rooms(std::int64_t viewer_id) override;
  std::optional<std::string> access_code_hash(std::int64_t room_id) override;
  bool add_member(std::int64_t room_id, std::int64_t user_id, std::int64_t now_ms) override;
  bool remove_member(std::int64_t room_id, std::int64_t user_id) override;
  bool is_member(std::int64_t room_id, std::int64_t user_id) override;
  std::vector<domain::Member> members(std::int64_t room_id) override;
  bool delete_room(std::int64_t room_id) override;
  domain::Room get_or_create_dm(const domain::User& a, const domain::User& b,
                                std::int64_t now_ms) override;

  std::vector<WriteResult> write_batch(std::span<const Write> batch, std::int64_t now_ms) override;
  std::vector<domain::Message> messages_before(std::int64_t room_id,
                                               std::optional<std::int64_t> before,
                                               int limit) override;
  std::vector<domain::Message> messages_after(std::int64_t room_id, std::int64_t after,
                                              int limit) override;
  std::vector<domain::Message> changes_since(std::int64_t room_id, std::int64_t since,
                                             int limit) override;
  CatchUp catch_up(std::int64_t room_id, std::int64_t since, int missed_limit,
                   int changed_limit) override;
  std::vector<domain::Message> replies(std::int64_t room_id, std::int64_t parent_id,
                                       std::int64_t after, int limit) override;
  std::optional<domain::Message> find_message(std::int64_t room_id,
                                              std::int64_t message_id) override;
  std::vector<domain::Message> search_messages(const SearchQuery& query) override;
  domain::ReadState read_state(std::int64_t room_id, std::int64_t user_id) override;

  domain::Upload insert_upload(const domain::Upload& upload) override;
  std::optional<domain::Upload> find_upload(std::int64_t upload_id) override;
  bool may_download(std::int64_t upload_id, std::int64_t user_id) override;
  std::vector<domain::Upload> collectable_uploads(std::int64_t detached_before_ms,
                                                  std::int64_t unattached_before_ms,
                                                  int limit) override;
  bool delete_upload(std::int64_t upload_id) override;

 protected:
  std::int64_t count_rows(std::string_view table) override;

 private:
  PostgresPool pool_;
};

}  // namespace parley::store

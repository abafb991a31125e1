#pragma once
// One WebSocket client of the chat: authenticates it, runs its frames (join, leave, send, typing,
// ping) and receives the hub's deliveries. Lives on its connection's network thread; blocking work
// runs on the worker pool and its result is posted back to that thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.hpp"
#include "common/error_code.hpp"
#include "domain/user.hpp"
#include "net/ws_connection.hpp"
#include "protocol/client_frame.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/services.hpp"
#include "realtime/subscriber.hpp"

namespace parley::realtime {

class ChatSession : public net::WsHandler,
                    public Subscriber,
                    public std::enable_shared_from_this<ChatSession> {
 public:
  // `claims` is set when the upgrade request carried a valid token (query, header or
  // subprotocol list); `session_confirmed` when its session is known live (not only by the
  // signature: see SessionRegistry).
  ChatSession(Services& services, std::optional<auth::AccessClaims> claims,
              bool session_confirmed = false);

  void on_open(std::shared_ptr<net::WsConnection> connection) override;
  void on_text(std::string_view payload) override;
  void on_closed() override;

  std::int64_t user_id() const noexcept override { return user_.id; }
  const std::string& role() const noexcept override { return user_.role; }
  void send_delivery(const Delivery& delivery) override;
  void on_membership_ended(std::int64_t room_id) override { drop_subscription(room_id, true); }
  void on_role_changed(const std::string& role) override { user_.role = role; }
  std::int64_t session_id() const noexcept override { return session_id_; }
  void on_session_ended() override;

 private:
  enum class State { awaiting_auth, loading_user, ready, closed };

  struct Buffered {
    std::int64_t message_id;
    net::SharedFrame frame;
  };
  // A room this connection subscribes to. `pending` while its join is being answered: live
  // messages are buffered so that none is lost or sent twice around the `missed` catch-up.
  struct Subscription {
    std::int64_t room_id = 0;
    std::int64_t last_id = 0;  // highest message id sent on this connection for the room
    bool pending = true;
    bool announced = false;  // counted in Presence (and announced to the room)
    std::vector<Buffered> buffer;
  };

  void handle(protocol::ClientFrame frame);
  void on_auth(const std::optional<std::string>& ref, const protocol::AuthFrame& frame);
  struct LoadedUser {
    std::optional<domain::User> user;
    std::string refusal;  // why the token does not authenticate (empty: it does)
  };
  // `reply`: answer with `authed` (authentication by frame, not by the upgrade request).
  // `check_session`: the registry does not know the token's session; the store decides.
  void load_user(std::optional<std::string> ref, auth::AccessClaims claims, bool reply,
                 bool check_session);
  void on_user_loaded(const std::optional<std::string>& ref, bool reply, LoadedUser loaded);
  void on_join(const std::optional<std::string>& ref, const protocol::JoinFrame& frame);
  void on_leave(const std::optional<std::string>& ref, const protocol::LeaveFrame& frame);
  void on_send(const std::optional<std::string>& ref, protocol::SendFrame frame);
  void on_typing(const std::optional<std::string>& ref, const protocol::TypingFrame& frame);

  Subscription* find_subscription(std::int64_t room_id);
  // Ends a join: sends what was buffered past last_id, in order.
  void flush_buffer(Subscription& sub);
  void drop_subscription(std::int64_t room_id, bool announce_leave);
  void send_text(std::string text);
  void send_error(const std::optional<std::string>& ref, ErrorCode code, std::string_view message);
  void fail_auth(const std::optional<std::string>& ref, std::string_view message);

  // Runs `work` on the worker pool, then `then(result)` on this connection's thread if the
  // connection is still open. A full pool answers `unavailable` to the frame `ref` names.
  template <typename Work, typename Then>
  void off_thread(const std::optional<std::string>& ref, Work work, Then then);

  Services& services_;
  std::shared_ptr<net::WsConnection> connection_;
  std::size_t thread_ = 0;
  State state_ = State::awaiting_auth;
  std::optional<auth::AccessClaims> claims_;
  bool session_confirmed_ = false;
  std::int64_t session_id_ = 0;
  bool session_ended_ = false;  // closing with 4001: frames and deliveries are ignored
  domain::User user_;
  RateLimiter limiter_;
  RateLimiter typing_limiter_;
  std::vector<Subscription> subscriptions_;
  std::vector<std::string> early_frames_;  // frames received while the user record loads
  std::size_t early_bytes_ = 0;
};

}  // namespace parley::realtime

#pragma once
// One WebSocket client of the chat: parses its frames and hands each to the handler of its family
// (authentication, rooms, messages, read state), and receives the hub's deliveries for it. Lives
// on its connection's network thread; blocking work runs on the worker pool and its result is
// posted back to that thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "net/ws_connection.hpp"
#include "protocol/client_frame.hpp"
#include "realtime/connected_clients.hpp"
#include "realtime/connection_limits.hpp"
#include "realtime/message_frames.hpp"
#include "realtime/read_frames.hpp"
#include "realtime/room_frames.hpp"
#include "realtime/services.hpp"
#include "realtime/session_auth.hpp"
#include "realtime/session_context.hpp"
#include "realtime/subscriber.hpp"

namespace parley::realtime {

// Who opened a connection, for its log lines and the admin page.
struct ConnectionInfo {
  std::string address;     // the client's address (behind trusted proxies: the forwarded one)
  std::string request_id;  // of the upgrade request
  ConnectionSlot slot;     // its place under the connection caps, held until it is destroyed
};

class ChatSession : public net::WsHandler,
                    public Subscriber,
                    public ConnectedClient,
                    public std::enable_shared_from_this<ChatSession> {
 public:
  // `claims` is set when the upgrade request carried a valid token (query, header or subprotocol
  // list); `session_confirmed` when its session is known live (not only by the signature: see
  // SessionRegistry).
  ChatSession(Services& services, std::optional<auth::AccessClaims> claims,
              ConnectionInfo info = {}, bool session_confirmed = false);

  void on_open(std::shared_ptr<net::WsConnection> connection) override;
  void on_text(std::string_view payload) override;
  void on_closed() override;

  std::int64_t user_id() const noexcept override { return ctx_.user.id; }
  const std::string& role() const noexcept override { return ctx_.user.role; }
  bool send_delivery(const Delivery& delivery) override;
  void on_membership_ended(std::int64_t room_id) override { rooms_.drop(room_id, true); }
  void on_role_changed(const std::string& role) override { ctx_.user.role = role; }
  std::int64_t session_id() const noexcept override { return auth_.session_id(); }
  void on_session_ended() override;

  ClientSummary summary() const override;
  void disconnect() override;

 private:
  void handle(protocol::ClientFrame frame);
  // false when the session ended while the user loaded (the connection is closing).
  bool on_ready();
  bool ready() const noexcept { return auth_.state() == SessionAuth::State::ready; }

  ConnectionInfo info_;
  std::uint64_t id_;            // this instance's connection number (logs, admin page)
  std::int64_t opened_ms_ = 0;  // wall clock, for the admin page
  std::int64_t opened_us_ = 0;  // monotonic, for the close line's duration
  bool authenticated_via_upgrade_;
  bool listed_ = false;  // in services.clients
  SessionContext ctx_;
  SessionAuth auth_;
  RoomFrames rooms_;
  MessageFrames messages_;
  ReadFrames reads_;
  bool session_ended_ = false;  // closing with 4001: frames and deliveries are ignored
};

}  // namespace parley::realtime

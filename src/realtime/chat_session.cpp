#include "realtime/chat_session.hpp"

#include <atomic>

#include "common/clock.hpp"
#include "common/overloaded.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {
namespace {

constexpr std::uint16_t kCloseTryAgainLater = 1013;
constexpr std::uint16_t kCloseByAdministrator = 4003;

std::atomic<std::uint64_t> next_connection_id{1};
constexpr std::uint16_t kCloseAuthFailed = 4001;

}  // namespace

ChatSession::ChatSession(Services& services, std::optional<auth::AccessClaims> claims,
                         ConnectionInfo info, bool session_confirmed)
    : info_(std::move(info)),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      authenticated_via_upgrade_(claims.has_value()),
      ctx_(services),
      auth_(
          ctx_, std::move(claims), session_confirmed, [this] { return on_ready(); },
          [this](std::string_view text) { on_text(text); }),
      rooms_(ctx_),
      messages_(ctx_),
      reads_(ctx_) {}

void ChatSession::on_open(std::shared_ptr<net::WsConnection> connection) {
  opened_ms_ = now_ms();
  opened_us_ = monotonic_us();
  ctx_.open(std::move(connection), weak_from_this(), this);
  obs::log_info("ws open", {obs::field("connection", id_), obs::field("client", info_.address),
                            obs::field("request_id", info_.request_id)});
  auth_.start();
}

bool ChatSession::on_ready() {
  Hub& hub = ctx_.services.hub;
  hub.presence().connect(ctx_.user);
  hub.shard(ctx_.thread).add_connection(this);
  // Ended while the user record loaded: the hub's close may have missed this connection, which
  // was not in its shard yet; the registry has it (it is marked before the shards are told).
  if (hub.sessions().status(auth_.session_id(), ctx_.user.id) == SessionRegistry::Status::refused) {
    on_session_ended();
    return false;
  }
  // Known only now for a connection that authenticated by frame (the upgrade counted the others).
  if (!info_.slot.add_user(ctx_.user.id)) {
    count_refusal(ConnectionLimits::Refusal::user);
    ctx_.send_error(std::nullopt, ErrorCode::rate_limited, "too many connections for this user");
    ctx_.close_connection(kCloseTryAgainLater, "too many connections for this user");
    return false;
  }
  obs::metrics().ws_authenticated.add();
  obs::log_info("ws auth", {obs::field("connection", id_), obs::field("user_id", ctx_.user.id),
                            obs::field("via", authenticated_via_upgrade_ ? "upgrade" : "frame")});
  if (ctx_.services.clients != nullptr) {
    ctx_.services.clients->add(ctx_.thread, id_, this);
    listed_ = true;
  }
  return true;
}

ClientSummary ChatSession::summary() const {
  ClientSummary s;
  s.id = id_;
  s.user_id = ctx_.user.id;
  s.username = ctx_.user.username;
  s.address = info_.address;
  s.since_ms = opened_ms_;
  for (const auto& sub : ctx_.rooms.all()) s.rooms.push_back(sub.room_id);
  if (const auto* c = ctx_.connection()) s.outbound_bytes = c->queued_bytes();
  return s;
}

void ChatSession::disconnect() {
  obs::metrics().admin_disconnects.add();
  obs::log_info("ws disconnected by an administrator",
                {obs::field("connection", id_), obs::field("user_id", ctx_.user.id)});
  ctx_.close_connection(kCloseByAdministrator, "disconnected by an administrator");
}

void ChatSession::on_session_ended() {
  if (ctx_.closed() || session_ended_) return;
  ctx_.send_error(std::nullopt, ErrorCode::unauthorized, "session ended");
  session_ended_ = true;
  // Still `ready`: on_closed undoes subscriptions and presence as for any close.
  ctx_.close_connection(kCloseAuthFailed, "session ended");
}

void ChatSession::on_text(std::string_view payload) {
  if (ctx_.closed() || session_ended_ || auth_.state() == SessionAuth::State::failed) return;
  obs::metrics().frames_in.add();
  if (auth_.hold(payload)) return;
  auto parsed = protocol::parse_client_frame(payload);
  if (auto* error = std::get_if<protocol::FrameError>(&parsed)) {
    if (error->type == "auth" && auth_.state() == SessionAuth::State::awaiting_auth)
      auth_.fail(error->ref, error->message);
    else
      ctx_.send_error(error->ref, ErrorCode::bad_request, error->message);
    return;
  }
  handle(std::move(std::get<protocol::ClientFrame>(parsed)));
}

void ChatSession::handle(protocol::ClientFrame frame) {
  const auto& ref = frame.ref;
  if (auto* auth = std::get_if<protocol::AuthFrame>(&frame.body)) {
    auth_.on_auth_frame(ref, auth->token);
    return;
  }
  if (!ready()) {
    ctx_.send_error(ref, ErrorCode::unauthorized, "authenticate first with an auth frame");
    return;
  }
  std::visit(Overloaded{
                 [&](protocol::AuthFrame&) {},
                 [&](protocol::JoinFrame& f) { rooms_.on_join(ref, f); },
                 [&](protocol::LeaveFrame& f) { rooms_.on_leave(ref, f); },
                 [&](protocol::TypingFrame& f) { rooms_.on_typing(ref, f); },
                 [&](protocol::PingFrame&) { ctx_.send_text(protocol::pong_frame(ref)); },
                 [&](protocol::SendFrame& f) { messages_.on_send(ref, std::move(f)); },
                 [&](protocol::EditFrame& f) { messages_.on_edit(ref, std::move(f)); },
                 [&](protocol::DeleteFrame& f) { messages_.on_delete(ref, f); },
                 [&](protocol::ReactFrame& f) { messages_.on_react(ref, std::move(f)); },
                 [&](protocol::ReadFrame& f) { reads_.on_read(ref, f); },
             },
             frame.body);
}

bool ChatSession::send_delivery(const Delivery& delivery) {
  if (ctx_.closed() || session_ended_ || !ready()) return false;
  const auto queued = [this](const net::SharedFrame& frame) {
    return ctx_.send_frame(frame) == net::SendResult::queued;
  };
  switch (delivery.kind) {
    case Delivery::Kind::room_event:
      switch (ctx_.rooms.offer(delivery.room_id, delivery.position, delivery.frame,
                               ctx_.services.settings.max_pending_frames)) {
        case RoomSubscriptions::Offer::send:
          return queued(delivery.frame);
        case RoomSubscriptions::Offer::buffered:
          return true;
        case RoomSubscriptions::Offer::overflow:
          obs::metrics().slow_consumer_closes.add();
          ctx_.close_connection(kCloseTryAgainLater, "too far behind");
          return false;
        case RoomSubscriptions::Offer::skip:
          return false;
      }
      return false;
    case Delivery::Kind::typing:
    case Delivery::Kind::presence:
    case Delivery::Kind::receipt:
      return ctx_.rooms.is_live(delivery.room_id) && queued(delivery.frame);
    case Delivery::Kind::room_deleted:
      // The shard drops the room's subscriptions itself after this loop.
      return ctx_.rooms.remove(delivery.room_id) && queued(delivery.frame);
    case Delivery::Kind::notification:
      return queued(delivery.frame);
  }
  return false;
}

void ChatSession::on_closed() {
  const bool was_ready = ready();
  const auto* connection = ctx_.connection();
  obs::log_info("ws close", {obs::field("connection", id_), obs::field("user_id", ctx_.user.id),
                             obs::field("code", connection ? connection->close_code() : 1006),
                             obs::field("duration_ms", (monotonic_us() - opened_us_) / 1000)});
  if (listed_) {
    ctx_.services.clients->remove(ctx_.thread, id_);
    listed_ = false;
  }
  if (was_ready) {
    rooms_.drop_all();
    ctx_.services.hub.shard(ctx_.thread).remove_connection(this);
    ctx_.services.hub.presence().disconnect(ctx_.user.id);
  }
  ctx_.rooms.clear();
  ctx_.close();
}

}  // namespace parley::realtime

#include "realtime/chat_session.hpp"

#include <algorithm>
#include <chrono>

#include "common/clock.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"
#include "realtime/message_sender.hpp"
#include "realtime/session_check.hpp"

namespace parley::realtime {
namespace {

constexpr std::uint16_t kCloseAuthFailed = 4001;
constexpr std::uint16_t kClosePolicy = 1008;
constexpr std::uint16_t kCloseTryAgainLater = 1013;
// Frames a client pipelines while its user record loads are kept, within a byte budget.
constexpr std::size_t kMaxEarlyBytes = 1 << 20;

std::int64_t monotonic_ms() {
  return monotonic_us() / 1000;
}

}  // namespace

ChatSession::ChatSession(Services& services, std::optional<auth::AccessClaims> claims,
                         bool session_confirmed)
    : services_(services),
      claims_(std::move(claims)),
      session_confirmed_(session_confirmed),
      limiter_(services.settings.rate_limits),
      typing_limiter_(services.settings.typing_limits) {}

template <typename Work, typename Then>
void ChatSession::off_thread(const std::optional<std::string>& ref, Work work, Then then) {
  std::weak_ptr<ChatSession> weak = weak_from_this();
  Hub& hub = services_.hub;
  std::size_t thread = thread_;
  bool accepted = services_.workers.submit(
      [weak, &hub, thread, work = std::move(work), then = std::move(then)]() mutable {
        if (weak.expired()) return;
        auto result = work();
        hub.post(thread, [weak, then = std::move(then), result = std::move(result)]() mutable {
          auto self = weak.lock();
          if (self && self->state_ != State::closed) then(std::move(result));
        });
      });
  if (!accepted) send_error(ref, ErrorCode::unavailable, "server is busy, try again");
}

void ChatSession::on_open(std::shared_ptr<net::WsConnection> connection) {
  connection_ = std::move(connection);
  thread_ = connection_->thread_index();
  if (claims_) {
    auto claims = std::move(*claims_);
    claims_.reset();
    load_user(std::nullopt, std::move(claims), false, !session_confirmed_);
    return;
  }
  std::weak_ptr<ChatSession> weak = weak_from_this();
  connection_->after(std::chrono::milliseconds(services_.settings.auth_timeout_ms), [weak] {
    auto self = weak.lock();
    if (self && self->state_ == State::awaiting_auth)
      self->fail_auth(std::nullopt, "no auth frame in time");
  });
}

void ChatSession::on_text(std::string_view payload) {
  if (state_ == State::closed || session_ended_) return;
  obs::metrics().frames_in.add();
  if (state_ == State::loading_user) {
    if (early_bytes_ + payload.size() > kMaxEarlyBytes) {
      send_error(std::nullopt, ErrorCode::rate_limited, "too many frames before authentication");
      return;
    }
    early_bytes_ += payload.size();
    early_frames_.emplace_back(payload);
    return;
  }
  auto parsed = protocol::parse_client_frame(payload);
  if (auto* error = std::get_if<protocol::FrameError>(&parsed)) {
    if (error->type == "auth" && state_ == State::awaiting_auth)
      fail_auth(error->ref, error->message);
    else
      send_error(error->ref, ErrorCode::bad_request, error->message);
    return;
  }
  handle(std::move(std::get<protocol::ClientFrame>(parsed)));
}

void ChatSession::handle(protocol::ClientFrame frame) {
  const auto& ref = frame.ref;
  if (auto* auth = std::get_if<protocol::AuthFrame>(&frame.body)) {
    if (state_ != State::awaiting_auth) {
      send_error(ref, ErrorCode::bad_request, "already authenticated");
      return;
    }
    on_auth(ref, *auth);
    return;
  }
  if (state_ != State::ready) {
    send_error(ref, ErrorCode::unauthorized, "authenticate first with an auth frame");
    return;
  }
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, protocol::JoinFrame>)
          on_join(ref, body);
        else if constexpr (std::is_same_v<T, protocol::LeaveFrame>)
          on_leave(ref, body);
        else if constexpr (std::is_same_v<T, protocol::SendFrame>)
          on_send(ref, std::move(body));
        else if constexpr (std::is_same_v<T, protocol::TypingFrame>)
          on_typing(ref, body);
        else if constexpr (std::is_same_v<T, protocol::PingFrame>)
          send_text(protocol::pong_frame(ref));
      },
      frame.body);
}

void ChatSession::on_auth(const std::optional<std::string>& ref, const protocol::AuthFrame& frame) {
  auto claims = services_.jwt.verify(frame.token, now_ms() / 1000);
  if (!claims) {
    fail_auth(ref, "invalid or expired token");
    return;
  }
  auto status = services_.hub.sessions().status(claims->session_id, claims->user_id);
  if (status == SessionRegistry::Status::refused) {
    fail_auth(ref, "session ended");
    return;
  }
  load_user(ref, std::move(*claims), true, status == SessionRegistry::Status::unknown);
}

void ChatSession::load_user(std::optional<std::string> ref, auth::AccessClaims claims, bool reply,
                            bool check_session) {
  state_ = State::loading_user;
  session_id_ = claims.session_id;
  store::Store& store = services_.store;
  SessionRegistry& sessions = services_.hub.sessions();
  std::int64_t id = claims.user_id;
  std::int64_t session_id = claims.session_id;
  off_thread(
      ref,
      [&store, &sessions, id, session_id, check_session]() -> LoadedUser {
        try {
          if (check_session && !session_is_live(store, sessions, session_id, id, now_ms()))
            return {std::nullopt, "session ended"};
          auto user = store.find_user(id);
          if (!user) return {std::nullopt, "unknown user"};
          if (user->deactivated) return {std::nullopt, "account deactivated"};
          return {std::move(user), {}};
        } catch (const store::StoreUnavailable&) {
          return {std::nullopt, "store unavailable"};
        }
      },
      [this, ref, reply](LoadedUser loaded) { on_user_loaded(ref, reply, std::move(loaded)); });
}

void ChatSession::on_user_loaded(const std::optional<std::string>& ref, bool reply,
                                 LoadedUser loaded) {
  if (!loaded.user) {
    fail_auth(ref, loaded.refusal);
    return;
  }
  user_ = std::move(*loaded.user);
  state_ = State::ready;
  services_.hub.presence().connect(user_);
  services_.hub.shard(thread_).add_connection(this);
  // Ended while the user record loaded: the hub's close may have missed this connection, which
  // was not in its shard yet; the registry has it (it is marked before the shards are told).
  if (services_.hub.sessions().status(session_id_, user_.id) == SessionRegistry::Status::refused) {
    on_session_ended();
    return;
  }
  if (reply) send_text(protocol::authed_frame(ref, user_));
  auto early = std::move(early_frames_);
  early_frames_.clear();
  early_bytes_ = 0;
  for (const auto& text : early) {
    if (state_ != State::ready) break;
    on_text(text);
  }
}

void ChatSession::on_session_ended() {
  if (state_ == State::closed || session_ended_ || !connection_) return;
  send_error(std::nullopt, ErrorCode::unauthorized, "session ended");
  session_ended_ = true;
  // State stays `ready` so that on_closed undoes subscriptions and presence as for any close.
  connection_->close(kCloseAuthFailed, "session ended");
}

void ChatSession::fail_auth(const std::optional<std::string>& ref, std::string_view message) {
  send_error(ref, ErrorCode::unauthorized, message);
  state_ = State::closed;
  if (connection_) connection_->close(kCloseAuthFailed, "unauthorized");
}

ChatSession::Subscription* ChatSession::find_subscription(std::int64_t room_id) {
  for (auto& s : subscriptions_)
    if (s.room_id == room_id) return &s;
  return nullptr;
}

void ChatSession::on_join(const std::optional<std::string>& ref, const protocol::JoinFrame& frame) {
  std::int64_t room_id = frame.room;
  Subscription* existing = find_subscription(room_id);
  if (existing != nullptr && existing->pending) {
    send_error(ref, ErrorCode::bad_request, "a join of this room is already in progress");
    return;
  }
  if (existing == nullptr) {
    subscriptions_.push_back(Subscription{room_id, frame.since.value_or(0), true, false, {}});
    services_.hub.shard(thread_).subscribe(room_id, this);
  } else {
    existing->pending = true;
  }

  struct JoinResult {
    std::optional<ErrorCode> error;
    std::string error_message;
    domain::Room room;
    std::vector<domain::Message> missed;
    bool truncated = false;
  };
  store::Store& store = services_.store;
  std::int64_t user_id = user_.id;
  std::optional<std::int64_t> since = frame.since;
  std::size_t missed_max = services_.settings.missed_max;
  std::size_t missed_bytes = services_.settings.missed_max_bytes;
  off_thread(
      ref,
      [&store, room_id, user_id, since, missed_max, missed_bytes]() {
        JoinResult r;
        try {
          auto room = store.find_room(room_id, user_id);
          if (!room || (room->is_private && !room->joined)) {
            r.error = ErrorCode::not_found;
            r.error_message = "no room " + std::to_string(room_id);
            return r;
          }
          if (!room->joined) {
            if (store.add_member(room_id, user_id, now_ms())) ++room->member_count;
            room->joined = true;
          }
          r.room = std::move(*room);
          if (since) {
            r.missed = store.messages_after(room_id, *since, static_cast<int>(missed_max) + 1);
            // At most missed_max messages and a byte budget well under the outbound cap, so
            // that the `joined` reply itself never makes its reader a slow consumer.
            std::size_t keep = 0;
            std::size_t bytes = 0;
            while (keep < r.missed.size() && keep < missed_max) {
              const auto& m = r.missed[keep];
              bytes += m.body.size() + (m.meta_json ? m.meta_json->size() : 0) + 160;
              if (keep > 0 && bytes > missed_bytes) break;
              ++keep;
            }
            r.truncated = keep < r.missed.size();
            r.missed.resize(keep);
          }
        } catch (const store::StoreUnavailable&) {
          r.error = ErrorCode::unavailable;
          r.error_message = "store unavailable";
        }
        return r;
      },
      [this, ref, room_id](JoinResult r) {
        Subscription* sub = find_subscription(room_id);
        if (r.error) {
          if (sub != nullptr && !sub->announced)
            drop_subscription(room_id, false);
          else if (sub != nullptr)
            flush_buffer(*sub);
          send_error(ref, *r.error, r.error_message);
          return;
        }
        if (sub == nullptr) {  // left while the join was in flight
          send_text(protocol::joined_frame(ref, r.room, {}, r.missed, r.truncated));
          return;
        }
        if (!sub->announced) {
          sub->announced = true;
          if (services_.hub.presence().join(room_id, user_)) {
            services_.hub.publish_to_room(Delivery::presence(
                room_id, user_.id,
                net::make_text_frame(protocol::presence_frame(room_id, user_, true))));
          }
        }
        // Never send a message twice on one connection (a repeated join of a joined room).
        std::erase_if(r.missed, [&](const domain::Message& m) { return m.id <= sub->last_id; });
        auto online = services_.hub.presence().online_in(room_id);
        send_text(protocol::joined_frame(ref, r.room, online, r.missed, r.truncated));
        if (!r.missed.empty()) sub->last_id = std::max(sub->last_id, r.missed.back().id);
        flush_buffer(*sub);
      });
}

void ChatSession::flush_buffer(Subscription& sub) {
  sub.pending = false;
  for (auto& b : sub.buffer) {
    if (b.message_id > sub.last_id) {
      sub.last_id = b.message_id;
      connection_->send(std::move(b.frame));
    }
  }
  sub.buffer.clear();
  sub.buffer.shrink_to_fit();
}

void ChatSession::drop_subscription(std::int64_t room_id, bool announce_leave) {
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                         [&](const Subscription& s) { return s.room_id == room_id; });
  if (it == subscriptions_.end()) return;
  bool was_present = it->announced;
  subscriptions_.erase(it);
  services_.hub.shard(thread_).unsubscribe(room_id, this);
  if (was_present && services_.hub.presence().leave(room_id, user_.id) && announce_leave) {
    services_.hub.publish_to_room(Delivery::presence(
        room_id, user_.id, net::make_text_frame(protocol::presence_frame(room_id, user_, false))));
  }
}

void ChatSession::on_leave(const std::optional<std::string>& ref,
                           const protocol::LeaveFrame& frame) {
  drop_subscription(frame.room, true);
  send_text(protocol::left_frame(ref, frame.room));
}

void ChatSession::on_send(const std::optional<std::string>& ref, protocol::SendFrame frame) {
  switch (limiter_.on_send(monotonic_ms())) {
    case RateLimiter::Verdict::allowed:
      break;
    case RateLimiter::Verdict::refused:
      obs::metrics().rate_limited.add();
      send_error(ref, ErrorCode::rate_limited, "too many messages; slow down");
      return;
    case RateLimiter::Verdict::abusive:
      obs::metrics().rate_limited.add();
      obs::metrics().rate_limit_closes.add();
      obs::log_info("closing abusive connection", {obs::field("user_id", user_.id)});
      send_error(ref, ErrorCode::rate_limited, "too many refused messages; closing");
      connection_->close(kClosePolicy, "rate limit exceeded");
      return;
  }
  std::weak_ptr<ChatSession> weak = weak_from_this();
  Hub& hub = services_.hub;
  std::size_t thread = thread_;
  std::int64_t room_id = frame.room;
  store::NewMessage message{room_id, user_.id, std::move(frame.body), std::move(frame.client_id),
                            std::move(frame.meta_json)};
  send_message(services_, std::move(message),
               [weak, &hub, thread, ref, room_id](const SendOutcome& outcome) {
                 std::string text;
                 switch (outcome.status) {
                   case SendOutcome::Status::stored:
                   case SendOutcome::Status::duplicate:
                     text = protocol::ack_frame(ref, *outcome.message);
                     break;
                   case SendOutcome::Status::forbidden:
                     text =
                         protocol::error_frame(ref, ErrorCode::forbidden,
                                               "not a member of room " + std::to_string(room_id));
                     break;
                   case SendOutcome::Status::not_found:
                     text = protocol::error_frame(ref, ErrorCode::not_found,
                                                  "no room " + std::to_string(room_id));
                     break;
                   case SendOutcome::Status::unavailable:
                     text = protocol::error_frame(ref, ErrorCode::unavailable,
                                                  "message not stored; try again");
                     break;
                 }
                 hub.post(thread, [weak, text = std::move(text)]() mutable {
                   if (auto self = weak.lock()) self->send_text(std::move(text));
                 });
               });
}

void ChatSession::on_typing(const std::optional<std::string>& ref,
                            const protocol::TypingFrame& frame) {
  Subscription* sub = find_subscription(frame.room);
  if (sub == nullptr || sub->pending) {
    // Not subscribed: a private room the user is not in must look like no room at all.
    store::Store& store = services_.store;
    std::int64_t room_id = frame.room;
    std::int64_t user_id = user_.id;
    off_thread(
        ref,
        [&store, room_id, user_id]() {
          try {
            auto room = store.find_room(room_id, user_id);
            return room && (!room->is_private || room->joined) ? ErrorCode::forbidden
                                                               : ErrorCode::not_found;
          } catch (const store::StoreUnavailable&) {
            return ErrorCode::unavailable;
          }
        },
        [this, ref, room_id](ErrorCode code) {
          send_error(ref, code,
                     code == ErrorCode::forbidden
                         ? "join room " + std::to_string(room_id) + " first"
                         : "no room " + std::to_string(room_id));
        });
    return;
  }
  if (typing_limiter_.on_send(monotonic_ms()) != RateLimiter::Verdict::allowed) {
    send_error(ref, ErrorCode::rate_limited, "too many typing events; slow down");
    return;
  }
  services_.hub.publish_to_room(Delivery::typing(
      frame.room, user_.id,
      net::make_text_frame(protocol::typing_frame(frame.room, user_.id, user_.username))));
}

void ChatSession::send_delivery(const Delivery& delivery) {
  if (state_ == State::closed || session_ended_ || !connection_) return;
  switch (delivery.kind) {
    case Delivery::Kind::message: {
      Subscription* sub = find_subscription(delivery.room_id);
      if (sub == nullptr) return;
      if (sub->pending) {
        if (sub->buffer.size() >= services_.settings.max_pending_frames) {
          obs::metrics().slow_consumer_closes.add();
          connection_->close(kCloseTryAgainLater, "too far behind");
          return;
        }
        sub->buffer.push_back({delivery.message_id, delivery.frame});
        return;
      }
      if (delivery.message_id <= sub->last_id) return;
      sub->last_id = delivery.message_id;
      connection_->send(delivery.frame);
      return;
    }
    case Delivery::Kind::typing:
    case Delivery::Kind::presence: {
      Subscription* sub = find_subscription(delivery.room_id);
      if (sub != nullptr && !sub->pending) connection_->send(delivery.frame);
      return;
    }
    case Delivery::Kind::room_deleted: {
      // The shard drops the room's subscriptions itself after this loop.
      auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                             [&](const Subscription& s) { return s.room_id == delivery.room_id; });
      if (it == subscriptions_.end()) return;
      subscriptions_.erase(it);
      connection_->send(delivery.frame);
      return;
    }
    case Delivery::Kind::notification:
      connection_->send(delivery.frame);
      return;
  }
}

void ChatSession::send_text(std::string text) {
  if (connection_ && state_ != State::closed) connection_->send(net::make_text_frame(text));
}

void ChatSession::send_error(const std::optional<std::string>& ref, ErrorCode code,
                             std::string_view message) {
  obs::metrics().count_error(code, message);
  send_text(protocol::error_frame(ref, code, message));
}

void ChatSession::on_closed() {
  bool was_ready = state_ == State::ready;
  state_ = State::closed;
  if (was_ready) {
    while (!subscriptions_.empty()) drop_subscription(subscriptions_.back().room_id, true);
    services_.hub.shard(thread_).remove_connection(this);
    services_.hub.presence().disconnect(user_.id);
  }
  subscriptions_.clear();
  connection_.reset();
}

}  // namespace parley::realtime

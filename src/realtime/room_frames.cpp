#include "realtime/room_frames.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {
namespace {

std::int64_t monotonic_ms() {
  return monotonic_us() / 1000;
}

}  // namespace

RoomFrames::RoomFrames(SessionContext& ctx)
    : ctx_(ctx), typing_limiter_(ctx.services.settings.typing_limits) {}

void RoomFrames::on_join(const std::optional<std::string>& ref, const protocol::JoinFrame& frame) {
  const std::int64_t room_id = frame.room;
  const std::size_t max_rooms = ctx_.services.settings.max_rooms_per_connection;
  if (ctx_.rooms.find(room_id) == nullptr && ctx_.rooms.all().size() >= max_rooms) {
    // Each subscription holds memory and a place in every event's fanout: bounded per connection.
    ctx_.send_error(ref, ErrorCode::bad_request,
                    "at most " + std::to_string(max_rooms) + " rooms joined on one connection");
    return;
  }
  auto start = ctx_.rooms.begin_join(room_id, frame.since);
  if (start == RoomSubscriptions::JoinStart::in_progress) {
    ctx_.send_error(ref, ErrorCode::bad_request, "a join of this room is already in progress");
    return;
  }
  // Subscribed at once, pending: live events are buffered while the store answers, so that none
  // is lost or sent twice around the catch-up.
  if (start == RoomSubscriptions::JoinStart::started)
    ctx_.services.hub.shard(ctx_.thread).subscribe(room_id, ctx_.subscriber());
  store::Store& store = ctx_.services.store;
  const std::int64_t user_id = ctx_.user.id;
  const std::optional<std::int64_t> since = frame.since;
  const JoinLimits limits{ctx_.services.settings.missed_max,
                          ctx_.services.settings.missed_max_bytes};
  bool accepted = ctx_.off_thread(
      ref,
      [&store, room_id, user_id, since, limits] {
        return load_join(store, room_id, user_id, since, limits);
      },
      [this, ref, room_id](JoinResult r) { finish_join(ref, room_id, std::move(r)); });
  if (accepted) return;
  // Refused by a full pool: undo the subscription this join started, or let a repeated one go on.
  if (start == RoomSubscriptions::JoinStart::started)
    drop(room_id, false);
  else
    for (auto& frame_out : ctx_.rooms.complete_join(room_id, std::nullopt))
      ctx_.send_frame(std::move(frame_out));
}

void RoomFrames::finish_join(const std::optional<std::string>& ref, std::int64_t room_id,
                             JoinResult r) {
  auto* sub = ctx_.rooms.find(room_id);
  if (r.error) {
    if (sub != nullptr && !sub->announced) {
      drop(room_id, false);
    } else if (sub != nullptr) {
      for (auto& frame : ctx_.rooms.complete_join(room_id, std::nullopt))
        ctx_.send_frame(std::move(frame));
    }
    ctx_.send_error(ref, *r.error, r.error_message);
    return;
  }
  protocol::CatchUpPages pages{r.missed, r.missed_truncated, r.changed, r.changed_truncated};
  if (sub == nullptr) {  // left while the join was in flight
    ctx_.send_text(protocol::joined_frame(ref, r.room, {}, pages));
    return;
  }
  Hub& hub = ctx_.services.hub;
  if (!sub->announced) {
    sub->announced = true;
    if (hub.presence().join(room_id, ctx_.user)) {
      hub.publish_to_room(Delivery::presence(
          room_id, ctx_.user.id,
          net::make_text_frame(protocol::presence_frame(room_id, ctx_.user, true))));
    }
  }
  // Never send a state twice on one connection (a repeated join of a joined room).
  const std::int64_t sent = sub->last_position;
  std::erase_if(r.missed, [&](const domain::Message& m) { return m.position() <= sent; });
  std::erase_if(r.changed, [&](const domain::Message& m) { return m.position() <= sent; });
  pages = {r.missed, r.missed_truncated, r.changed, r.changed_truncated};
  auto online = hub.presence().online_in(room_id);
  ctx_.send_text(protocol::joined_frame(ref, r.room, online, pages));
  for (auto& frame : ctx_.rooms.complete_join(room_id, r.covered))
    ctx_.send_frame(std::move(frame));
}

void RoomFrames::drop(std::int64_t room_id, bool announce_leave) {
  auto removed = ctx_.rooms.remove(room_id);
  if (!removed) return;
  Hub& hub = ctx_.services.hub;
  hub.shard(ctx_.thread).unsubscribe(room_id, ctx_.subscriber());
  if (removed->announced && hub.presence().leave(room_id, ctx_.user.id) && announce_leave) {
    hub.publish_to_room(Delivery::presence(
        room_id, ctx_.user.id,
        net::make_text_frame(protocol::presence_frame(room_id, ctx_.user, false))));
  }
}

void RoomFrames::drop_all() {
  while (!ctx_.rooms.empty()) drop(ctx_.rooms.all().back().room_id, true);
}

void RoomFrames::on_leave(const std::optional<std::string>& ref,
                          const protocol::LeaveFrame& frame) {
  drop(frame.room, true);
  ctx_.send_text(protocol::left_frame(ref, frame.room));
}

void RoomFrames::refuse_unsubscribed(const std::optional<std::string>& ref, std::int64_t room_id) {
  store::Store& store = ctx_.services.store;
  const std::int64_t user_id = ctx_.user.id;
  ctx_.off_thread(
      ref,
      [&store, room_id, user_id] {
        try {
          auto room = store.find_room(room_id, user_id);
          return room && (!room->is_private || room->joined) ? ErrorCode::forbidden
                                                             : ErrorCode::not_found;
        } catch (const store::StoreUnavailable&) {
          return ErrorCode::unavailable;
        }
      },
      [this, ref, room_id](ErrorCode code) {
        ctx_.send_error(ref, code,
                        code == ErrorCode::forbidden
                            ? "join room " + std::to_string(room_id) + " first"
                            : "no room " + std::to_string(room_id));
      });
}

void RoomFrames::on_typing(const std::optional<std::string>& ref,
                           const protocol::TypingFrame& frame) {
  if (!ctx_.rooms.is_live(frame.room)) {
    refuse_unsubscribed(ref, frame.room);
    return;
  }
  if (typing_limiter_.on_send(monotonic_ms()) != RateLimiter::Verdict::allowed) {
    ctx_.send_error(ref, ErrorCode::rate_limited, "too many typing events; slow down");
    return;
  }
  ctx_.services.hub.publish_to_room(Delivery::typing(
      frame.room, ctx_.user.id,
      net::make_text_frame(protocol::typing_frame(frame.room, ctx_.user.id, ctx_.user.username))));
}

}  // namespace parley::realtime

#include "realtime/room_subscriptions.hpp"

#include <algorithm>

namespace parley::realtime {

RoomSubscriptions::Subscription* RoomSubscriptions::find(std::int64_t room_id) {
  for (auto& s : subscriptions_)
    if (s.room_id == room_id) return &s;
  return nullptr;
}

bool RoomSubscriptions::is_live(std::int64_t room_id) const {
  for (const auto& s : subscriptions_)
    if (s.room_id == room_id) return !s.pending;
  return false;
}

RoomSubscriptions::JoinStart RoomSubscriptions::begin_join(std::int64_t room_id,
                                                           std::optional<std::int64_t> since) {
  if (Subscription* existing = find(room_id)) {
    if (existing->pending) return JoinStart::in_progress;
    existing->pending = true;
    return JoinStart::restarted;
  }
  Subscription sub;
  sub.room_id = room_id;
  sub.last_position = since.value_or(0);
  subscriptions_.push_back(std::move(sub));
  return JoinStart::started;
}

RoomSubscriptions::Offer RoomSubscriptions::offer(std::int64_t room_id, std::int64_t position,
                                                  const net::SharedFrame& frame,
                                                  std::size_t max_buffered) {
  Subscription* sub = find(room_id);
  if (sub == nullptr) return Offer::skip;
  if (sub->pending) {
    if (sub->buffer.size() >= max_buffered) return Offer::overflow;
    sub->buffer.push_back({position, frame});
    return Offer::buffered;
  }
  if (position <= sub->last_position) return Offer::skip;
  sub->last_position = position;
  return Offer::send;
}

std::vector<net::SharedFrame> RoomSubscriptions::complete_join(
    std::int64_t room_id, std::optional<std::int64_t> covered) {
  std::vector<net::SharedFrame> out;
  Subscription* sub = find(room_id);
  if (sub == nullptr) return out;
  sub->pending = false;
  if (covered) sub->last_position = std::max(sub->last_position, *covered);
  for (auto& b : sub->buffer) {
    if (b.position <= sub->last_position) continue;
    sub->last_position = b.position;
    out.push_back(std::move(b.frame));
  }
  sub->buffer.clear();
  sub->buffer.shrink_to_fit();
  return out;
}

std::optional<RoomSubscriptions::Subscription> RoomSubscriptions::remove(std::int64_t room_id) {
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                         [&](const Subscription& s) { return s.room_id == room_id; });
  if (it == subscriptions_.end()) return std::nullopt;
  Subscription out = std::move(*it);
  subscriptions_.erase(it);
  return out;
}

}  // namespace parley::realtime

#pragma once
// One network thread's share of the hub: which of its connections subscribe to which room, and
// which belong to which user. Touched only on its own thread, so it needs no lock.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "realtime/delivery.hpp"
#include "realtime/subscriber.hpp"

namespace parley::realtime {

class HubShard {
 public:
  void subscribe(std::int64_t room_id, Subscriber* subscriber);
  void unsubscribe(std::int64_t room_id, Subscriber* subscriber);

  void add_connection(Subscriber* subscriber);
  void remove_connection(Subscriber* subscriber);

  // Hands `delivery` to every subscriber of its room; returns how many. Subscribers may
  // unsubscribe while this runs (the removal is applied after the loop).
  std::size_t deliver_to_room(const Delivery& delivery);
  // Room deleted: delivers, then drops every subscription of the room.
  void deliver_room_deleted(const Delivery& delivery);
  std::size_t deliver_to_user(std::int64_t user_id, const Delivery& delivery);
  std::size_t deliver_to_role(std::string_view role, const Delivery& delivery);

  // Tells every connection of `user_id` subscribed to the room that the membership ended.
  void end_membership(std::int64_t room_id, std::int64_t user_id);
  void change_role(std::int64_t user_id, const std::string& role);
  // Tells every connection of `user_id` authenticated by one of the sessions that it ended.
  void end_sessions(std::int64_t user_id, std::span<const std::int64_t> session_ids);

  std::size_t subscriber_count(std::int64_t room_id) const;

 private:
  void compact(std::vector<Subscriber*>& list);

  std::unordered_map<std::int64_t, std::vector<Subscriber*>> rooms_;
  std::unordered_map<std::int64_t, std::vector<Subscriber*>> users_;
  int delivering_ = 0;  // > 0 while a loop runs: removals only null out entries
  std::vector<std::int64_t> rooms_to_compact_;
};

}  // namespace parley::realtime

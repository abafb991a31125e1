#include "realtime/hub_shard.hpp"

#include <algorithm>

namespace parley::realtime {

void HubShard::subscribe(std::int64_t room_id, Subscriber* subscriber) {
  auto& list = rooms_[room_id];
  if (std::find(list.begin(), list.end(), subscriber) == list.end()) list.push_back(subscriber);
}

void HubShard::unsubscribe(std::int64_t room_id, Subscriber* subscriber) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  auto& list = it->second;
  auto pos = std::find(list.begin(), list.end(), subscriber);
  if (pos == list.end()) return;
  if (delivering_ > 0) {
    *pos = nullptr;
    rooms_to_compact_.push_back(room_id);
    return;
  }
  list.erase(pos);
  if (list.empty()) rooms_.erase(it);
}

void HubShard::add_connection(Subscriber* subscriber) {
  users_[subscriber->user_id()].push_back(subscriber);
}

void HubShard::remove_connection(Subscriber* subscriber) {
  auto it = users_.find(subscriber->user_id());
  if (it == users_.end()) return;
  auto& list = it->second;
  auto pos = std::find(list.begin(), list.end(), subscriber);
  if (pos == list.end()) return;
  if (delivering_ > 0) {
    *pos = nullptr;  // users_ lists are compacted lazily on the next removal
    return;
  }
  list.erase(pos);
  compact(list);
  if (list.empty()) users_.erase(it);
}

void HubShard::compact(std::vector<Subscriber*>& list) {
  list.erase(std::remove(list.begin(), list.end(), nullptr), list.end());
}

std::size_t HubShard::deliver_to_room(const Delivery& delivery) {
  auto it = rooms_.find(delivery.room_id);
  if (it == rooms_.end()) return 0;
  std::size_t delivered = 0;
  ++delivering_;
  auto& list = it->second;
  // Index loop: send_delivery() may append nothing but may null out entries via unsubscribe().
  for (std::size_t i = 0; i < list.size(); ++i) {
    Subscriber* s = list[i];
    if (s == nullptr) continue;
    if (delivery.exclude_user != 0 && s->user_id() == delivery.exclude_user) continue;
    if (s->send_delivery(delivery)) ++delivered;
  }
  if (--delivering_ == 0 && !rooms_to_compact_.empty()) {
    for (auto room : rooms_to_compact_) {
      auto r = rooms_.find(room);
      if (r == rooms_.end()) continue;
      compact(r->second);
      if (r->second.empty()) rooms_.erase(r);
    }
    rooms_to_compact_.clear();
  }
  return delivered;
}

void HubShard::deliver_room_deleted(const Delivery& delivery) {
  deliver_to_room(delivery);
  rooms_.erase(delivery.room_id);
}

std::size_t HubShard::deliver_to_user(std::int64_t user_id, const Delivery& delivery) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return 0;
  std::size_t delivered = 0;
  ++delivering_;
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    Subscriber* s = it->second[i];
    if (s == nullptr || s == delivery.exclude_connection) continue;
    if (s->send_delivery(delivery)) ++delivered;
  }
  --delivering_;
  return delivered;
}

std::size_t HubShard::deliver_to_role(std::string_view role, const Delivery& delivery) {
  std::size_t delivered = 0;
  ++delivering_;
  for (auto& [user, list] : users_) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (Subscriber* s = list[i]; s != nullptr && s->role() == role) {
        if (s->send_delivery(delivery)) ++delivered;
      }
    }
  }
  --delivering_;
  return delivered;
}

void HubShard::end_membership(std::int64_t room_id, std::int64_t user_id) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  // Collect first: each callback unsubscribes, which edits the list.
  std::vector<Subscriber*> affected;
  for (Subscriber* s : it->second)
    if (s != nullptr && s->user_id() == user_id) affected.push_back(s);
  for (Subscriber* s : affected) s->on_membership_ended(room_id);
}

void HubShard::change_role(std::int64_t user_id, const std::string& role) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  for (Subscriber* s : it->second)
    if (s != nullptr) s->on_role_changed(role);
}

void HubShard::end_sessions(std::int64_t user_id, std::span<const std::int64_t> session_ids) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  // Collect first: a callback may close its connection, which edits the list.
  std::vector<Subscriber*> affected;
  for (Subscriber* s : it->second) {
    if (s == nullptr) continue;
    if (std::find(session_ids.begin(), session_ids.end(), s->session_id()) != session_ids.end())
      affected.push_back(s);
  }
  for (Subscriber* s : affected) s->on_session_ended();
}

std::size_t HubShard::subscriber_count(std::int64_t room_id) const {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return 0;
  return static_cast<std::size_t>(std::count_if(it->second.begin(), it->second.end(),
                                                [](Subscriber* s) { return s != nullptr; }));
}

}  // namespace parley::realtime

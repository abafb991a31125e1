#include "realtime/presence.hpp"

#include "observability/metrics.hpp"

namespace parley::realtime {

void Presence::connect(const domain::User& user) {
  std::lock_guard lock(mutex_);
  auto& entry = users_[user.id];
  entry.user = user;
  if (entry.connections++ == 0) obs::metrics().users_online.add(1);
}

void Presence::disconnect(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  if (--it->second.connections == 0) {
    users_.erase(it);
    obs::metrics().users_online.add(-1);
  }
}

void Presence::change_role(std::int64_t user_id, const std::string& role) {
  std::lock_guard lock(mutex_);
  if (auto it = users_.find(user_id); it != users_.end()) it->second.user.role = role;
  for (auto& [room, users] : rooms_)
    if (auto it = users.find(user_id); it != users.end()) it->second.user.role = role;
}

bool Presence::join(std::int64_t room_id, const domain::User& user) {
  std::lock_guard lock(mutex_);
  auto [room, created] = rooms_.try_emplace(room_id);
  if (created) obs::metrics().rooms_active.add(1);
  auto& entry = room->second[user.id];
  entry.user = user;
  return entry.connections++ == 0;
}

bool Presence::leave(std::int64_t room_id, std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return false;
  auto it = room->second.find(user_id);
  if (it == room->second.end()) return false;
  if (--it->second.connections > 0) return false;
  room->second.erase(it);
  if (room->second.empty()) {
    rooms_.erase(room);
    obs::metrics().rooms_active.add(-1);
  }
  return true;
}

void Presence::drop_room(std::int64_t room_id) {
  std::lock_guard lock(mutex_);
  if (rooms_.erase(room_id) > 0) obs::metrics().rooms_active.add(-1);
}

std::vector<domain::User> Presence::online_in(std::int64_t room_id) const {
  std::lock_guard lock(mutex_);
  std::vector<domain::User> out;
  auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return out;
  out.reserve(room->second.size());
  for (const auto& [id, entry] : room->second) out.push_back(entry.user);
  return out;
}

bool Presence::is_connected(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  return users_.count(user_id) > 0;
}

std::size_t Presence::connections_of(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  return it == users_.end() ? 0 : it->second.connections;
}

std::size_t Presence::connections_with_role(const std::string& role) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, entry] : users_)
    if (entry.user.role == role) n += entry.connections;
  return n;
}

std::size_t Presence::connections_in(std::int64_t room_id) const {
  std::lock_guard lock(mutex_);
  auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return 0;
  std::size_t n = 0;
  for (const auto& [id, entry] : room->second) n += entry.connections;
  return n;
}

std::size_t Presence::users_online() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

std::size_t Presence::rooms_active() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

std::vector<std::int64_t> Presence::active_rooms() const {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> out;
  out.reserve(rooms_.size());
  for (const auto& [room, users] : rooms_) out.push_back(room);
  return out;
}

}  // namespace parley::realtime

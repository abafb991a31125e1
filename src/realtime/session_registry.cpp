#include "realtime/session_registry.hpp"

#include <mutex>

namespace parley::realtime {

void SessionRegistry::set_retention_ms(std::int64_t retention_ms) {
  std::unique_lock lock(mutex_);
  retention_ms_ = retention_ms;
}

std::int64_t SessionRegistry::retention_ms() const {
  std::shared_lock lock(mutex_);
  return retention_ms_;
}

SessionRegistry::Status SessionRegistry::status(std::int64_t session_id,
                                                std::int64_t user_id) const {
  std::shared_lock lock(mutex_);
  if (ended_.contains(session_id)) return Status::refused;
  auto it = live_.find(session_id);
  if (it == live_.end()) return Status::unknown;
  return it->second == user_id ? Status::live : Status::refused;
}

void SessionRegistry::remember_live(std::int64_t session_id, std::int64_t user_id) {
  std::unique_lock lock(mutex_);
  if (ended_.contains(session_id)) return;  // an end that overtook the confirmation wins
  if (live_.size() >= max_live_) live_.clear();
  live_[session_id] = user_id;
}

void SessionRegistry::mark_ended(std::span<const std::int64_t> session_ids,
                                 std::int64_t ended_at_ms, std::int64_t now_ms) {
  std::unique_lock lock(mutex_);
  forget_expired_locked(now_ms);
  if (ended_at_ms <= now_ms - retention_ms_) {
    // Too old to matter (loaded at startup from long ago): only forget them as live.
    for (auto id : session_ids) live_.erase(id);
    return;
  }
  for (auto id : session_ids) {
    live_.erase(id);
    auto [it, inserted] = ended_.try_emplace(id, ended_at_ms);
    if (!inserted) continue;
    // Kept in end order; an out-of-order (older) end is forgotten a little late, never early.
    ended_order_.emplace_back(
        std::max(ended_at_ms, ended_order_.empty() ? ended_at_ms : ended_order_.back().first), id);
  }
}

void SessionRegistry::forget_expired_locked(std::int64_t now_ms) {
  const std::int64_t horizon = now_ms - retention_ms_;
  while (!ended_order_.empty() && ended_order_.front().first <= horizon) {
    ended_.erase(ended_order_.front().second);
    ended_order_.pop_front();
  }
}

std::size_t SessionRegistry::ended_count() const {
  std::shared_lock lock(mutex_);
  return ended_.size();
}

std::size_t SessionRegistry::live_count() const {
  std::shared_lock lock(mutex_);
  return live_.size();
}

}  // namespace parley::realtime

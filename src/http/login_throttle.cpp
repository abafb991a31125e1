#include "http/login_throttle.hpp"

namespace parley::http {

int LoginThrottle::check(std::unordered_map<std::string, Failures>& map, const std::string& key,
                         std::int64_t limit, std::int64_t now_ms) {
  auto it = map.find(key);
  if (it == map.end()) return 0;
  Failures& f = it->second;
  while (!f.empty() && f.front() <= now_ms - limits_.window_ms) f.pop_front();
  if (f.empty()) {
    map.erase(it);
    return 0;
  }
  if (static_cast<std::int64_t>(f.size()) < limit) return 0;
  // Allowed again when the oldest failure that keeps the count at the limit leaves the window.
  std::int64_t free_at = f[f.size() - static_cast<std::size_t>(limit)] + limits_.window_ms;
  return static_cast<int>((free_at - now_ms + 999) / 1000);
}

int LoginThrottle::retry_after(const std::string& username_key, const std::string& address,
                               std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  int user_wait = check(by_user_, username_key, limits_.max_failures_per_user, now_ms);
  int address_wait = check(by_address_, address, limits_.max_failures_per_address, now_ms);
  return std::max(user_wait, address_wait);
}

void LoginThrottle::record_failure(const std::string& username_key, const std::string& address,
                                   std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  // Keep at most the last `limit` failures per key: older ones cannot change the answer.
  auto push = [&](Failures& f, std::int64_t limit) {
    f.push_back(now_ms);
    while (static_cast<std::int64_t>(f.size()) > limit) f.pop_front();
  };
  push(by_user_[username_key], limits_.max_failures_per_user);
  push(by_address_[address], limits_.max_failures_per_address);
}

void LoginThrottle::record_success(const std::string& username_key) {
  std::lock_guard lock(mutex_);
  by_user_.erase(username_key);
}

}  // namespace parley::http

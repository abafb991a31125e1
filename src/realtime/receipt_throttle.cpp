#include "realtime/receipt_throttle.hpp"

namespace parley::realtime {

namespace {
// Forgetting members whose window is over is a sweep of the map: done once it has grown.
constexpr std::size_t kSweepAbove = 10'000;
}  // namespace

ReceiptThrottle::ReceiptThrottle(Send send, Schedule schedule, Clock clock,
                                 std::chrono::milliseconds interval)
    : send_(std::move(send)),
      schedule_(std::move(schedule)),
      clock_(std::move(clock)),
      interval_ms_(interval.count()) {}

void ReceiptThrottle::moved(std::int64_t room_id, std::int64_t user_id, const std::string& username,
                            std::int64_t last_read) {
  const std::int64_t now = clock_();
  const Key key{room_id, user_id};
  std::int64_t wait_ms = 0;
  {
    std::lock_guard lock(mutex_);
    if (members_.size() > kSweepAbove) forget_quiet(now);
    auto [it, fresh] = members_.try_emplace(key);
    Member& member = it->second;
    member.username = username;
    member.last_read = std::max(member.last_read, last_read);
    if (member.held) return;  // the armed timer sends the latest position
    if (fresh || now - member.last_sent_ms >= interval_ms_) {
      member.last_sent_ms = now;
    } else {
      member.held = true;
      wait_ms = member.last_sent_ms + interval_ms_ - now;
    }
  }
  if (wait_ms > 0) {
    schedule_(std::chrono::milliseconds(wait_ms), [this, key] { window_ended(key); });
    return;
  }
  send_(room_id, user_id, username, last_read);
}

void ReceiptThrottle::window_ended(Key key) {
  std::string username;
  std::int64_t last_read = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = members_.find(key);
    if (it == members_.end() || !it->second.held) return;
    it->second.held = false;
    it->second.last_sent_ms = clock_();
    username = it->second.username;
    last_read = it->second.last_read;
  }
  send_(key.first, key.second, username, last_read);
}

void ReceiptThrottle::forget_quiet(std::int64_t now_ms) {
  std::erase_if(members_, [&](const auto& entry) {
    return !entry.second.held && now_ms - entry.second.last_sent_ms >= interval_ms_;
  });
}

std::size_t ReceiptThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return members_.size();
}

}  // namespace parley::realtime

#include "realtime/rate_limiter.hpp"

#include <algorithm>

namespace parley::realtime {

RateLimiter::RateLimiter(const RateLimits& limits) noexcept
    : limits_(&limits), tokens_(limits.burst) {}

RateLimiter::Verdict RateLimiter::on_send(std::int64_t now_ms) {
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    tokens_ = std::min(limits_->burst, tokens_ + static_cast<double>(now_ms - last_ms_) *
                                                     limits_->per_second / 1000.0);
  }
  if (last_ms_ < 0 || now_ms > last_ms_) last_ms_ = now_ms;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return Verdict::allowed;
  }
  // "More than abuse_count refusals within the window": remember the last abuse_count refusal
  // times; this one is abusive when the oldest of them is still inside the window.
  auto capacity = static_cast<std::size_t>(limits_->abuse_count);
  if (refusals_.size() < capacity) {
    refusals_.push_back(now_ms);
    return Verdict::refused;
  }
  std::int64_t oldest = refusals_[next_];
  refusals_[next_] = now_ms;
  next_ = (next_ + 1) % capacity;
  return now_ms - oldest < limits_->abuse_window_ms ? Verdict::abusive : Verdict::refused;
}

}  // namespace parley::realtime

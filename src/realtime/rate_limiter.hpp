#pragma once
// Per-connection send limiter: a token bucket (rate, burst) plus an abuse detector that reports
// when more than `abuse_count` sends were refused within `abuse_window_ms`.

#include <cstdint>
#include <vector>

namespace parley::realtime {

struct RateLimits {
  double per_second = 20;
  double burst = 40;
  std::int64_t abuse_count = 100;
  std::int64_t abuse_window_ms = 10'000;
};

class RateLimiter {
 public:
  enum class Verdict { allowed, refused, abusive };

  explicit RateLimiter(const RateLimits& limits) noexcept;

  // One send at `now_ms` (monotonic milliseconds).
  Verdict on_send(std::int64_t now_ms);

 private:
  const RateLimits* limits_;
  double tokens_;
  std::int64_t last_ms_ = -1;
  std::vector<std::int64_t>
      refusals_;  // ring of the last abuse_count refusal times; empty until needed
  std::size_t next_ = 0;
};

}  // namespace parley::realtime

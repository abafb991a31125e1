#pragma once
// Per-user upload rate limit: a token bucket per user (a burst, then a steady rate), answered
// with 429 and the seconds until the next token. Thread-safe.

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace parley::http {

struct UploadLimits {
  double per_second = 1;
  double burst = 20;
};

class UploadThrottle {
 public:
  explicit UploadThrottle(UploadLimits limits) : limits_(limits) {}

  // Spends one of the user's tokens at `now_ms` (monotonic): 0 when allowed, else the seconds to
  // wait before the next upload is.
  int take(std::int64_t user_id, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t last_ms = 0;
  };
  // Buckets refilled to the brim say nothing a fresh one would not: dropped when the map is big.
  void prune(std::int64_t now_ms);

  UploadLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Bucket> buckets_;
};

}  // namespace parley::http

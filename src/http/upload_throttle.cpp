#include "http/upload_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace parley::http {
namespace {

constexpr std::size_t kPruneAbove = 10'000;

}  // namespace

int UploadThrottle::take(std::int64_t user_id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() > kPruneAbove) prune(now_ms);
  auto [it, fresh] = buckets_.try_emplace(user_id, Bucket{limits_.burst, now_ms});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed_s =
        static_cast<double>(std::max<std::int64_t>(0, now_ms - b.last_ms)) / 1000;
    b.tokens = std::min(limits_.burst, b.tokens + elapsed_s * limits_.per_second);
    b.last_ms = now_ms;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  if (limits_.per_second <= 0) return 3600;
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / limits_.per_second)));
}

void UploadThrottle::prune(std::int64_t now_ms) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed_s = static_cast<double>(now_ms - entry.second.last_ms) / 1000;
    return entry.second.tokens + elapsed_s * limits_.per_second >= limits_.burst;
  });
}

}  // namespace parley::http

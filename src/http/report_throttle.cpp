#include "http/report_throttle.hpp"

namespace parley::http {

int ReportThrottle::admit(const std::string& address, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (now_ms - window_start_ >= limits_.window_ms) {
    window_start_ = now_ms - now_ms % limits_.window_ms;
    counts_.clear();
  }
  const auto retry = static_cast<int>((window_start_ + limits_.window_ms - now_ms + 999) / 1000);
  auto it = counts_.find(address);
  if (it == counts_.end()) {
    if (counts_.size() >= limits_.max_addresses) return retry;
    it = counts_.emplace(address, 0).first;
  }
  if (it->second >= limits_.per_window) return retry;
  ++it->second;
  return 0;
}

}  // namespace parley::http

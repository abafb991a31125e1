#pragma once
// Bounds the web app's health reports: at most `per_window` reports per client address in each
// fixed window, and at most `max_addresses` addresses per window (beyond them, new addresses are
// refused until the window turns), so that neither one client nor many can grow the counters or
// the table without bound. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::http {

struct ReportLimits {
  std::int64_t per_window = 6;
  std::int64_t window_ms = 60'000;
  std::size_t max_addresses = 10'000;
};

class ReportThrottle {
 public:
  explicit ReportThrottle(ReportLimits limits = {}) : limits_(limits) {}

  // Seconds until a report from `address` is allowed again; 0 when this one is (and counted).
  int admit(const std::string& address, std::int64_t now_ms);

 private:
  ReportLimits limits_;
  std::mutex mutex_;
  std::int64_t window_start_ = 0;
  std::unordered_map<std::string, std::int64_t> counts_;
};

}  // namespace parley::http

#pragma once
// Counts failed logins per username and per client address within a sliding window, so that
// password guessing is answered with 429 and a Retry-After. Thread-safe.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::http {

struct LoginLimits {
  std::int64_t max_failures_per_user = 10;
  std::int64_t max_failures_per_address = 30;
  std::int64_t window_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}

  // Seconds to wait when either key is over its limit at `now_ms`; 0 when a try is allowed.
  int retry_after(const std::string& username_key, const std::string& address, std::int64_t now_ms);
  void record_failure(const std::string& username_key, const std::string& address,
                      std::int64_t now_ms);
  void record_success(const std::string& username_key);

 private:
  using Failures = std::deque<std::int64_t>;
  int check(std::unordered_map<std::string, Failures>& map, const std::string& key,
            std::int64_t limit, std::int64_t now_ms);

  LoginLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> by_user_;
  std::unordered_map<std::string, Failures> by_address_;
};

}  // namespace parley::http

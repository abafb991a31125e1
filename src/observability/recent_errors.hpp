#pragma once
// The last few errors answered (code, message, time), for the operations dashboard. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/error_code.hpp"

namespace parley::obs {

struct RecentError {
  std::int64_t ts_ms = 0;
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

class RecentErrors {
 public:
  explicit RecentErrors(std::size_t capacity = 50) : capacity_(capacity) {}

  void record(ErrorCode code, std::string_view message);
  std::vector<RecentError> snapshot() const;  // newest first

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<RecentError> errors_;
};

RecentErrors& recent_errors() noexcept;

}  // namespace parley::obs

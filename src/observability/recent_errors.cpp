#include "observability/recent_errors.hpp"

#include "common/clock.hpp"

namespace parley::obs {

void RecentErrors::record(ErrorCode code, std::string_view message) {
  std::lock_guard lock(mutex_);
  errors_.push_front({now_ms(), code, std::string(message.substr(0, 200))});
  if (errors_.size() > capacity_) errors_.pop_back();
}

std::vector<RecentError> RecentErrors::snapshot() const {
  std::lock_guard lock(mutex_);
  return {errors_.begin(), errors_.end()};
}

RecentErrors& recent_errors() noexcept {
  static RecentErrors instance;
  return instance;
}

}  // namespace parley::obs

#include "scenarios/call_pacer.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "measure/clock.hpp"

namespace parley::bench {

bool CallPacer::wait_turn() {
  for (std::int64_t now = now_ns(); now < end_ns_; now = now_ns()) {
    if (rate_ > 0) {
      const auto due =
          static_cast<std::int64_t>(start_ns_ + static_cast<double>(calls_) / rate_ * 1e9);
      if (due > now) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(due, end_ns_) - now));
        continue;
      }
    }
    ++calls_;
    return true;
  }
  return false;
}

}  // namespace parley::bench

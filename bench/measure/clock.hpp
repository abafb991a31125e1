#pragma once
// Monotonic nanoseconds shared by every bench process on the machine (CLOCK_MONOTONIC), so a
// timestamp embedded by one process can be compared by another.

#include <cstdint>
#include <ctime>

namespace parley::bench {

inline std::int64_t now_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace parley::bench

#include "net/ping_schedule.hpp"

#include <cstdint>
#include <random>

namespace parley::net {

std::chrono::milliseconds first_ping_delay(std::chrono::milliseconds interval) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const auto spread = static_cast<std::uint64_t>(interval.count() / 4);
  if (spread == 0) return interval;
  return interval - std::chrono::milliseconds(static_cast<std::int64_t>(random() % spread));
}

}  // namespace parley::net

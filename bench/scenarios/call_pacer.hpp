#pragma once
// Paces one blocking REST caller (a history reader, a publisher) over a phase: call n is due
// n / rate seconds after the start, and none starts at or after the end.

#include <cstdint>

namespace parley::bench {

class CallPacer {
 public:
  // `rate` calls/s; 0: as fast as the calls return. Times are now_ns() values.
  CallPacer(double rate, std::int64_t start_ns, std::int64_t end_ns) noexcept
      : rate_(rate), start_ns_(start_ns), end_ns_(end_ns) {}

  // Sleeps until the next call is due and counts it; false once the phase has ended.
  bool wait_turn();

 private:
  double rate_;
  std::int64_t start_ns_;
  std::int64_t end_ns_;
  std::uint64_t calls_ = 0;
};

}  // namespace parley::bench

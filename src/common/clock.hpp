#pragma once
// Wall-clock and monotonic time helpers; timestamps on the wire are RFC 3339 UTC with milliseconds.

#include <cstdint>
#include <string>

namespace parley {

// Milliseconds since the Unix epoch (wall clock).
std::int64_t now_ms() noexcept;

// Microseconds from a monotonic clock, for latency measurements.
std::int64_t monotonic_us() noexcept;

// "2026-11-23T02:59:01.123Z"
std::string format_rfc3339_ms(std::int64_t epoch_ms);

}  // namespace parley

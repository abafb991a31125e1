#pragma once
// Process-wide metrics: lock-free counters, gauges and fixed-bucket histograms, rendered in the
// Prometheus text exposition format. Every member is thread-safe.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error_code.hpp"

namespace parley::obs {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Latency histogram in microseconds with fixed buckets from 50 us to 10 s.
class Histogram {
 public:
  static constexpr std::array<std::uint64_t, 16> kBoundsUs = {
      50,     100,    250,     500,     1'000,   2'500,     5'000,     10'000,
      25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 10'000'000};

  void observe_us(std::uint64_t us) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::uint64_t sum_us() const noexcept { return sum_us_.load(std::memory_order_relaxed); }
  std::uint64_t bucket(std::size_t i) const noexcept {
    return buckets_[i].load(std::memory_order_relaxed);
  }
  // Upper bound of the bucket holding quantile q (0..1), in microseconds; 0 when empty.
  std::uint64_t quantile_us(double q) const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsUs.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

struct Metrics {
  Counter http_requests;
  Gauge ws_connections;          // open WebSocket connections
  Counter ws_connections_total;  // accepted since start
  Gauge users_online;            // distinct users with at least one authenticated connection
  Gauge rooms_active;            // rooms with at least one live subscriber
  Counter messages_in;           // messages stored (WebSocket and REST)
  Counter messages_out;          // message frames queued to subscribers
  Counter notifications_out;     // notification frames queued
  Counter frames_in;             // client frames received
  Counter rate_limited;          // sends refused by the rate limiter
  Counter rate_limit_closes;     // connections closed 1008
  Counter slow_consumer_closes;  // connections closed 1013
  Counter store_batches;         // group-commit transactions
  Histogram store_latency;       // submit -> committed, per message
  // A message's commit (its callback on the writer thread) -> its frame queued to the room's
  // subscribers on one network thread: one sample per thread that has any. Not measured in a
  // cluster, where every message reaches the hub through the bus, which carries no commit time.
  Histogram delivery_latency;
  std::array<Counter, kErrorCodeCount> errors;  // by ErrorCode

  // Counts an error answered to a client and remembers it for the dashboard.
  void count_error(ErrorCode code, std::string_view message = {});

  // Prometheus text exposition of everything above.
  std::string render_prometheus() const;
};

// The process's registry.
Metrics& metrics() noexcept;

}  // namespace parley::obs

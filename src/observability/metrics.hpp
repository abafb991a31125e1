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
#include "observability/value_histogram.hpp"

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

// WebSocket close codes counted on their own (bounded labels); anything else counts as "other".
// 1005: the peer's close frame had no code; 1006: the connection ended without a close handshake.
inline constexpr std::array<std::uint16_t, 13> kCountedCloseCodes = {
    1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1013, 4001, 4003};

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
  // subscribers on one network thread: one sample per thread that has any. In a cluster, for
  // this instance's own messages only (the bus carries no commit time), the wait of the
  // delivery order included.
  Histogram delivery_latency;
  std::array<Counter, kErrorCodeCount> errors;  // by ErrorCode

  // --- operations (docs/operations.md) ---
  Counter messages_received;  // send frames and REST posts received (before any check)
  Counter publish_events;     // POST /api/publish events accepted
  Counter ws_authenticated;   // WebSocket connections that authenticated
  std::array<Counter, kCountedCloseCodes.size() + 1> ws_closes;  // by close code, then "other"
  Gauge ws_outbound_bytes;          // bytes queued to all connections, not yet written
  Histogram store_commit;           // one batch's transaction: begin to commit
  ValueHistogram store_batch_size;  // messages per committed batch
  Counter web_page_loads;           // reported by the web app (POST /api/client-health)
  Counter web_client_errors;
  Counter web_ws_reconnects;
  Counter web_reports_refused;  // reports over the rate limit, not counted above
  Counter admin_disconnects;    // connections closed from the admin page
  // WebSocket connections refused by a cap (ConnectionLimits): total, per address, per user.
  std::array<Counter, 3> connection_refusals;
  Counter notify_events;  // --listen-channel notifications delivered
  // The cluster bus (Redis): events published, events lost while Redis could not take them,
  // subscriber reconnections, and events held for the commit batch's pipeline (its queue).
  Counter bus_published;
  Counter bus_dropped;
  Counter bus_shed;       // best-effort events (typing, presence) not queued: the queue was full
  Counter bus_gap_fills;  // gaps in the cluster's batch chain filled from the store
  Counter bus_reconnects;
  Gauge bus_queued;
  Counter notify_invalid;  // --listen-channel payloads refused

  void count_close(std::uint16_t code) noexcept;

  // Counts an error answered to a client and remembers it for the dashboard.
  void count_error(ErrorCode code, std::string_view message = {});

  // Prometheus text exposition of everything above.
  std::string render_prometheus() const;
};

// The process's registry.
Metrics& metrics() noexcept;

}  // namespace parley::obs

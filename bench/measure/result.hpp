#pragma once
// The measured outcome of one phase of a scenario, in one process or merged over several.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "measure/histogram.hpp"
#include "measure/timeline.hpp"

namespace parley::bench {

struct Result {
  std::string scenario;
  double seconds = 0;                  // length of the measured phase, up to the last delivery
  double send_seconds = 0;             // how long the senders sent
  double target_rate = 0;              // what was asked for (sends/s, publish calls/s)
  std::uint64_t connections = 0;       // connections open during the phase
  std::uint64_t connect_failures = 0;  // connections that never opened or closed unasked
  std::uint64_t sent = 0;              // send frames (or REST calls) issued
  std::uint64_t acked = 0;             // acks (or successful REST calls)
  std::uint64_t delivered = 0;         // messages or notifications received
  std::uint64_t expected = 0;          // deliveries that should have arrived
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t window_full = 0;  // sends skipped because the sender's window was full
  std::map<std::string, std::uint64_t> errors;  // by error code or failure reason
  Histogram latency;                    // end to end: send to receipt by each subscriber (ns)
  Histogram ack_latency;                // send to ack (ns)
  Timeline timeline;                    // end to end, second by second of sending
  std::map<std::string, double> extra;  // scenario figures; summed when merging
  // Per room, summed over processes: acks, subscribers, deliveries; give `expected` and `lost`.
  std::vector<std::uint64_t> room_acked;
  std::vector<std::uint64_t> room_subscribers;
  std::vector<std::uint64_t> room_delivered;
  double bench_cpu_s = 0;  // user+system CPU of the bench processes during the phase

  void merge(const Result& other);
  // Computes expected and lost from the per-room counts (after every process merged).
  void finalize_loss();
  void count_error(const std::string& code, std::uint64_t n = 1) { errors[code] += n; }
  std::uint64_t error_total() const;

  std::string to_json() const;
  static Result from_json(const std::string& text);
};

}  // namespace parley::bench

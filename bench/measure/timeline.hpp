#pragma once
// End-to-end latency second by second of a phase, by the second a message was sent in: shows
// when a run degrades (a burst, a slow climb as the database grows) where the phase's histogram
// only shows that it did. Mergeable across threads and processes.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <vector>

namespace parley::bench {

class Timeline {
 public:
  struct Second {
    std::uint64_t delivered = 0;
    std::uint64_t over_bound = 0;  // deliveries slower than the bound
    std::int64_t max_ns = 0;
  };

  // `since_start_ns`: when the message was sent, from the start of the phase.
  void record(std::int64_t since_start_ns, std::int64_t latency_ns, std::int64_t bound_ns);
  void merge(const Timeline& other);
  void reset() { seconds_.clear(); }

  const std::vector<Second>& seconds() const noexcept { return seconds_; }

  // [[delivered, over_bound, max_ns], ...], one entry per second.
  boost::json::array to_json() const;
  static Timeline from_json(const boost::json::value& v);

 private:
  // A bound on memory for a run far longer than planned: later seconds share the last entry.
  static constexpr std::size_t max_seconds = 86'400;

  std::vector<Second> seconds_;
};

}  // namespace parley::bench

#include "measure/timeline.hpp"

#include <algorithm>

namespace parley::bench {

void Timeline::record(std::int64_t since_start_ns, std::int64_t latency_ns, std::int64_t bound_ns) {
  const auto at =
      static_cast<std::size_t>(std::max<std::int64_t>(0, since_start_ns) / 1'000'000'000);
  const std::size_t i = std::min(at, max_seconds - 1);
  if (seconds_.size() <= i) seconds_.resize(i + 1);
  Second& s = seconds_[i];
  ++s.delivered;
  if (latency_ns > bound_ns) ++s.over_bound;
  s.max_ns = std::max(s.max_ns, latency_ns);
}

void Timeline::merge(const Timeline& other) {
  if (seconds_.size() < other.seconds_.size()) seconds_.resize(other.seconds_.size());
  for (std::size_t i = 0; i < other.seconds_.size(); ++i) {
    seconds_[i].delivered += other.seconds_[i].delivered;
    seconds_[i].over_bound += other.seconds_[i].over_bound;
    seconds_[i].max_ns = std::max(seconds_[i].max_ns, other.seconds_[i].max_ns);
  }
}

boost::json::array Timeline::to_json() const {
  boost::json::array out;
  for (const Second& s : seconds_)
    out.push_back(boost::json::array{s.delivered, s.over_bound, s.max_ns});
  return out;
}

Timeline Timeline::from_json(const boost::json::value& v) {
  Timeline t;
  for (const auto& entry : v.as_array()) {
    const auto& e = entry.as_array();
    t.seconds_.push_back({e.at(0).to_number<std::uint64_t>(), e.at(1).to_number<std::uint64_t>(),
                          e.at(2).to_number<std::int64_t>()});
  }
  return t;
}

}  // namespace parley::bench

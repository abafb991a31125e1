#include "observability/value_histogram.hpp"

#include <algorithm>

namespace parley::obs {

void ValueHistogram::observe(std::uint64_t value) noexcept {
  auto it = std::lower_bound(kBounds.begin(), kBounds.end(), value);
  buckets_[static_cast<std::size_t>(it - kBounds.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

}  // namespace parley::obs

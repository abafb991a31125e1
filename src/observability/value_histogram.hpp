#pragma once
// A histogram of small counts (e.g. messages per batch) with power-of-two buckets from 1 to 1024.
// Thread-safe and lock-free.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace parley::obs {

class ValueHistogram {
 public:
  static constexpr std::array<std::uint64_t, 11> kBounds = {1,  2,   4,   8,   16,  32,
                                                            64, 128, 256, 512, 1024};

  void observe(std::uint64_t value) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::uint64_t sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  // Non-cumulative count of bucket i (i == kBounds.size(): above the last bound).
  std::uint64_t bucket(std::size_t i) const noexcept {
    return buckets_[i].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_{0};
};

}  // namespace parley::obs

#pragma once
// A log-bucketed latency histogram in the style of HdrHistogram: values (nanoseconds) kept to
// within 1/64 relative error in a fixed array, mergeable across threads and processes.

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace parley::bench {

class Histogram {
 public:
  static constexpr int sub_bucket_bits = 7;
  static constexpr std::size_t sub_bucket_count = std::size_t{1} << sub_bucket_bits;
  static constexpr std::size_t half_count = sub_bucket_count / 2;
  static constexpr std::size_t bucket_count = sub_bucket_count + 57 * half_count;

  void record(std::int64_t value) noexcept;
  void merge(const Histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::int64_t max() const noexcept { return max_; }
  std::int64_t min() const noexcept { return count_ ? min_ : 0; }
  // The value at quantile q in [0, 1] (the upper edge of its bucket, never above max).
  std::int64_t quantile(double q) const noexcept;
  double mean() const noexcept { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

  // Sparse (bucket index, count) pairs, for sending a histogram through a pipe.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> sparse() const;
  void add_sparse(std::uint32_t index, std::uint64_t count) noexcept;
  void set_extremes(std::int64_t min, std::int64_t max, double sum) noexcept;
  double sum() const noexcept { return sum_; }

  static std::size_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t upper_edge(std::size_t index) noexcept;

 private:
  std::vector<std::uint64_t> counts_ = std::vector<std::uint64_t>(bucket_count, 0);
  std::uint64_t count_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace parley::bench

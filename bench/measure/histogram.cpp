#include "measure/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace parley::bench {

std::size_t Histogram::index_of(std::uint64_t value) noexcept {
  if (value < sub_bucket_count) return static_cast<std::size_t>(value);
  // For value in [2^e, 2^(e+1)), keep its top sub_bucket_bits bits: shift = e - (bits - 1).
  const int e = 63 - std::countl_zero(value);
  const int shift = e - (sub_bucket_bits - 1);
  const std::size_t sub = static_cast<std::size_t>(value >> shift);  // in [half, full)
  return sub_bucket_count + static_cast<std::size_t>(shift - 1) * half_count + (sub - half_count);
}

std::uint64_t Histogram::upper_edge(std::size_t index) noexcept {
  if (index < sub_bucket_count) return index;
  const std::size_t k = index - sub_bucket_count;
  const int shift = static_cast<int>(k / half_count) + 1;
  const std::uint64_t sub = half_count + k % half_count;
  return ((sub + 1) << shift) - 1;
}

void Histogram::record(std::int64_t value) noexcept {
  if (value < 0) value = 0;
  ++counts_[index_of(static_cast<std::uint64_t>(value))];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
}

void Histogram::merge(const Histogram& other) noexcept {
  if (!other.count_) return;
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void Histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  sum_ = 0;
}

std::int64_t Histogram::quantile(double q) const noexcept {
  if (!count_) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min<std::int64_t>(static_cast<std::int64_t>(upper_edge(i)), max_);
  }
  return max_;
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> Histogram::sparse() const {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (counts_[i]) out.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  return out;
}

void Histogram::add_sparse(std::uint32_t index, std::uint64_t count) noexcept {
  if (index >= bucket_count) return;
  counts_[index] += count;
  count_ += count;
}

void Histogram::set_extremes(std::int64_t min, std::int64_t max, double sum) noexcept {
  min_ = std::min(min_, min);
  max_ = std::max(max_, max);
  sum_ += sum;
}

}  // namespace parley::bench

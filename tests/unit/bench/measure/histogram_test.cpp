#include "measure/histogram.hpp"

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (int v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.quantile(0.5), 49);
  EXPECT_EQ(h.quantile(1.0), 99);
  EXPECT_EQ(h.max(), 99);
  EXPECT_EQ(h.min(), 0);
}

TEST(Histogram, LargeValuesWithinOnePercent) {
  for (std::int64_t v : {1'000LL, 123'456LL, 50'000'000LL, 7'000'000'000LL}) {
    Histogram h;
    h.record(v);
    h.record(v * 2);  // max above, so the quantile is the bucket edge, not max
    const auto q = h.quantile(0.5);
    EXPECT_GE(q, v);
    EXPECT_LE(static_cast<double>(q), static_cast<double>(v) * 1.016) << v;
  }
}

TEST(Histogram, BucketEdgesAreMonotonic) {
  for (std::size_t i = 1; i < Histogram::bucket_count; ++i)
    ASSERT_GT(Histogram::upper_edge(i), Histogram::upper_edge(i - 1)) << i;
  for (std::uint64_t v : {0ULL, 127ULL, 128ULL, 255ULL, 256ULL, 1ULL << 40, ~0ULL >> 1}) {
    const auto i = Histogram::index_of(v);
    ASSERT_LT(i, Histogram::bucket_count);
    EXPECT_LE(v, Histogram::upper_edge(i));
    if (i) {
      EXPECT_GT(v, Histogram::upper_edge(i - 1));
    }
  }
}

TEST(Histogram, MergeAndSparseRoundTrip) {
  Histogram a, b;
  for (int i = 1; i <= 1000; ++i) a.record(i * 1000);
  for (int i = 1; i <= 1000; ++i) b.record(i * 1'000'000);
  Histogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), 2000u);
  EXPECT_EQ(merged.max(), 1'000'000'000);
  Histogram copy;
  for (auto [i, c] : merged.sparse()) copy.add_sparse(i, c);
  copy.set_extremes(merged.min(), merged.max(), merged.sum());
  EXPECT_EQ(copy.count(), merged.count());
  EXPECT_EQ(copy.quantile(0.99), merged.quantile(0.99));
  EXPECT_EQ(copy.quantile(0.5), merged.quantile(0.5));
}

}  // namespace
}  // namespace parley::bench

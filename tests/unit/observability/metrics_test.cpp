#include "observability/metrics.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>

namespace parley::obs {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Metrics, CountersAndGaugesHaveHelpTypeAndValue) {
  Metrics m;
  m.messages_in.add(3);
  m.ws_connections.add(2);
  m.ws_connections.add(-1);
  std::string text = m.render_prometheus();
  EXPECT_TRUE(contains(text,
                       "# HELP parley_messages_in_total Messages stored.\n"
                       "# TYPE parley_messages_in_total counter\n"
                       "parley_messages_in_total 3\n"));
  EXPECT_TRUE(contains(text,
                       "# HELP parley_ws_connections Open WebSocket connections.\n"
                       "# TYPE parley_ws_connections gauge\n"
                       "parley_ws_connections 1\n"));
}

TEST(Metrics, HistogramBucketsAreCumulativeInSecondsWithInfSumAndCount) {
  Metrics m;
  for (std::uint64_t us : {40u, 50u, 60u, 20'000'000u}) m.store_latency.observe_us(us);
  std::string text = m.render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE parley_store_latency_seconds histogram\n"));
  // A bound includes values equal to it (Prometheus `le`).
  EXPECT_TRUE(contains(text,
                       "parley_store_latency_seconds_bucket{le=\"5e-05\"} 2\n"
                       "parley_store_latency_seconds_bucket{le=\"0.0001\"} 3\n"
                       "parley_store_latency_seconds_bucket{le=\"0.00025\"} 3\n"));
  EXPECT_TRUE(contains(text,
                       "parley_store_latency_seconds_bucket{le=\"10\"} 3\n"
                       "parley_store_latency_seconds_bucket{le=\"+Inf\"} 4\n"
                       "parley_store_latency_seconds_sum 20.000150\n"
                       "parley_store_latency_seconds_count 4\n"));
}

TEST(Metrics, ErrorsAreOneLabelledSeriesPerCode) {
  Metrics m;
  m.count_error(ErrorCode::rate_limited, "slow down");
  m.count_error(ErrorCode::rate_limited, "slow down");
  std::string text = m.render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE parley_errors_total counter\n"));
  EXPECT_TRUE(contains(text, "parley_errors_total{code=\"rate_limited\"} 2\n"));
  EXPECT_TRUE(contains(text, "parley_errors_total{code=\"bad_request\"} 0\n"));
}

// A sample line: `name value` or `name{label="..."} value`, the value a number. Returns the name.
std::string sample_name(const std::string& line) {
  auto space = line.rfind(' ');
  if (space == std::string::npos || space + 1 == line.size()) return {};
  std::string value = line.substr(space + 1);
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  if (end != value.c_str() + value.size()) return {};
  std::string series = line.substr(0, space);
  auto brace = series.find('{');
  if (brace != std::string::npos &&
      (series.back() != '}' || series.find("=\"", brace) == std::string::npos))
    return {};
  std::string name = series.substr(0, brace);
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) return {};
  return name;
}

// Every line is a HELP or TYPE comment or a sample, and every sample's family was declared.
TEST(Metrics, EveryLineIsWellFormedExpositionText) {
  Metrics m;
  m.delivery_latency.observe_us(1'234);
  std::string text = m.render_prometheus();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::istringstream lines(text);
  std::string line;
  std::string family;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string help_text;
      words >> family >> help_text;
      EXPECT_EQ(family.rfind("parley_", 0), 0u) << line;
      EXPECT_FALSE(help_text.empty()) << line;
      continue;
    }
    std::string name = sample_name(line);
    ASSERT_FALSE(name.empty()) << line;
    EXPECT_EQ(name.rfind(family, 0), 0u) << line;  // name_bucket, name_sum ...
    ++samples;
  }
  EXPECT_GT(samples, 20);
}

TEST(Histogram, QuantileIsTheUpperBoundOfItsBucket) {
  Histogram h;
  EXPECT_EQ(h.quantile_us(0.5), 0u);  // empty
  for (int i = 0; i < 10; ++i) h.observe_us(40);
  h.observe_us(600);
  EXPECT_EQ(h.quantile_us(0.5), 50u);
  EXPECT_EQ(h.quantile_us(0.99), 1'000u);
  h.observe_us(60'000'000);  // beyond the last bound
  EXPECT_EQ(h.quantile_us(1.0), 20'000'000u);
}

}  // namespace
}  // namespace parley::obs

#pragma once
// Pieces of the Prometheus text exposition format shared by the metric families.

#include <cstdint>
#include <string>
#include <string_view>

#include "observability/metrics.hpp"
#include "observability/value_histogram.hpp"

namespace parley::obs {

// A label value with `\`, `"` and newlines escaped as the format asks.
void append_label_value(std::string& out, std::string_view value);

void append_family(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help);
void append_sample(std::string& out, std::string_view series, std::uint64_t value);
void append_sample(std::string& out, std::string_view series, double value);

// `_bucket` (cumulative, in seconds), `_sum` and `_count` lines of a latency histogram; `labels`
// (e.g. `route="/x"`) go before `le`. No HELP/TYPE lines.
void append_histogram_samples(std::string& out, std::string_view name, std::string_view labels,
                              const Histogram& h);
void append_histogram_samples(std::string& out, std::string_view name, const ValueHistogram& h);

}  // namespace parley::obs

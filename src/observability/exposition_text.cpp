#include "observability/exposition_text.hpp"

#include <cstdio>

namespace parley::obs {
namespace {

std::string format_bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void append_bucket(std::string& out, std::string_view name, std::string_view labels,
                   const std::string& le, std::uint64_t cumulative) {
  out.append(name).append("_bucket{");
  if (!labels.empty()) out.append(labels).append(",");
  out.append("le=\"").append(le).append("\"} ").append(std::to_string(cumulative)).append("\n");
}

std::string with_labels(std::string_view name, std::string_view suffix, std::string_view labels) {
  std::string s(name);
  s.append(suffix);
  if (!labels.empty()) s.append("{").append(labels).append("}");
  return s;
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_family(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_sample(std::string& out, std::string_view series, std::uint64_t value) {
  out.append(series).append(" ").append(std::to_string(value)).append("\n");
}

void append_sample(std::string& out, std::string_view series, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  out.append(series).append(" ").append(buf).append("\n");
}

void append_histogram_samples(std::string& out, std::string_view name, std::string_view labels,
                              const Histogram& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < Histogram::kBoundsUs.size(); ++i) {
    cumulative += h.bucket(i);
    append_bucket(out, name, labels,
                  format_bound(static_cast<double>(Histogram::kBoundsUs[i]) / 1e6), cumulative);
  }
  cumulative += h.bucket(Histogram::kBoundsUs.size());
  append_bucket(out, name, labels, "+Inf", cumulative);
  append_sample(out, with_labels(name, "_sum", labels), static_cast<double>(h.sum_us()) / 1e6);
  append_sample(out, with_labels(name, "_count", labels), h.count());
}

void append_histogram_samples(std::string& out, std::string_view name, const ValueHistogram& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < ValueHistogram::kBounds.size(); ++i) {
    cumulative += h.bucket(i);
    append_bucket(out, name, {}, std::to_string(ValueHistogram::kBounds[i]), cumulative);
  }
  cumulative += h.bucket(ValueHistogram::kBounds.size());
  append_bucket(out, name, {}, "+Inf", cumulative);
  append_sample(out, std::string(name) + "_sum", h.sum());
  append_sample(out, std::string(name) + "_count", h.count());
}

}  // namespace parley::obs

#include "observability/exposition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "observability/exposition_text.hpp"
#include "observability/http_route_metrics.hpp"
#include "observability/value_histogram.hpp"

namespace parley::obs {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A series name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool valid_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  return true;
}

// Checks the text exposition format line by line: HELP then TYPE of each family once, every
// sample of a declared family (histograms: _bucket/_sum/_count), labels `name="value"` with
// escapes, a numeric value, buckets cumulative ending in +Inf equal to _count. Returns the
// problems found.
std::vector<std::string> format_problems(const std::string& text) {
  std::vector<std::string> problems;
  if (text.empty() || text.back() != '\n') problems.push_back("does not end with a newline");
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::map<std::string, double> last_bucket, inf_bucket, counts;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      if (!helped.insert(name).second) problems.push_back("HELP twice: " + name);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      if (!helped.count(name)) problems.push_back("TYPE before HELP: " + name);
      if (types.count(name)) problems.push_back("TYPE twice: " + name);
      if (type != "counter" && type != "gauge" && type != "histogram")
        problems.push_back("unknown type: " + line);
      types[name] = type;
      continue;
    }
    const auto space = line.rfind(' ');
    if (space == std::string::npos) {
      problems.push_back("no value: " + line);
      continue;
    }
    const std::string value = line.substr(space + 1);
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size())
      problems.push_back("bad value: " + line);
    std::string series = line.substr(0, space);
    const auto brace = series.find('{');
    const std::string name = series.substr(0, brace);
    std::string labels;
    if (brace != std::string::npos) {
      if (series.back() != '}') problems.push_back("unclosed labels: " + line);
      labels = series.substr(brace + 1, series.size() - brace - 2);
      // name="value" pairs separated by commas, values with \\, \" and \n escapes only.
      std::size_t i = 0;
      while (i < labels.size()) {
        auto eq = labels.find("=\"", i);
        if (eq == std::string::npos || !valid_name(labels.substr(i, eq - i))) {
          problems.push_back("bad label: " + line);
          break;
        }
        std::size_t j = eq + 2;
        while (j < labels.size() && labels[j] != '"') {
          if (labels[j] == '\\') {
            if (j + 1 >= labels.size() ||
                std::string("\\\"n").find(labels[j + 1]) == std::string::npos)
              problems.push_back("bad escape: " + line);
            ++j;
          }
          ++j;
        }
        if (j >= labels.size()) {
          problems.push_back("unterminated label value: " + line);
          break;
        }
        i = j + 1;
        if (i < labels.size() && labels[i] == ',') ++i;
      }
    }
    if (!valid_name(name)) problems.push_back("bad name: " + line);
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
          types.count(name.substr(0, name.size() - s.size())) &&
          types[name.substr(0, name.size() - s.size())] == "histogram")
        family = name.substr(0, name.size() - s.size());
    }
    if (!types.count(family)) {
      problems.push_back("sample of an undeclared family: " + line);
      continue;
    }
    if (types[family] == "histogram") {
      // One key per labelled histogram: its labels without `le` (always the last label).
      std::string others = labels.substr(0, std::min(labels.size(), labels.find("le=\"")));
      if (!others.empty() && others.back() == ',') others.pop_back();
      const std::string key = family + "{" + others + "}";
      if (name == family + "_bucket") {
        if (!contains(labels, "le=\"")) problems.push_back("bucket without le: " + line);
        if (v < last_bucket[key]) problems.push_back("buckets not cumulative: " + line);
        last_bucket[key] = v;
        if (contains(labels, "le=\"+Inf\"")) inf_bucket[key] = v;
      } else if (name == family + "_count") {
        counts[key] = v;
      } else if (name != family + "_sum") {
        problems.push_back("bare sample of a histogram: " + line);
      }
    }
  }
  for (const auto& [key, inf] : inf_bucket)
    if (!counts.count(key) || counts[key] != inf)
      problems.push_back("+Inf bucket differs from _count: " + key);
  for (const auto& [key, count] : counts)
    if (!inf_bucket.count(key)) problems.push_back("histogram without +Inf bucket: " + key);
  return problems;
}

TEST(Exposition, TheWholeScrapeIsWellFormed) {
  auto& m = metrics();
  m.store_commit.observe_us(1'500);
  m.store_batch_size.observe(3);
  m.count_close(1000);
  m.count_close(4242);
  auto& routes = http_route_metrics();
  const auto r = routes.route("GET", "/api/rooms/{id}");
  routes.observe(r, 200, 800);
  routes.observe(r, 599, 800);
  const std::string text = render_exposition();
  const auto problems = format_problems(text);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n(and " << problems.size() - 1 << " more)";
  EXPECT_TRUE(contains(text, "parley_ws_connections_closed_total{code=\"1000\"} "));
  EXPECT_TRUE(contains(text, "parley_ws_connections_closed_total{code=\"other\"} "));
  EXPECT_TRUE(contains(
      text,
      "parley_http_responses_total{method=\"GET\",route=\"/api/rooms/{id}\",status=\"200\"} "));
  EXPECT_TRUE(contains(
      text,
      "parley_http_responses_total{method=\"GET\",route=\"/api/rooms/{id}\",status=\"other\"} "));
  EXPECT_TRUE(contains(text,
                       "parley_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                       "api/rooms/{id}\",le=\"0.001\"} "));
  for (const char* family :
       {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_open_fds gauge", "# TYPE parley_build_info gauge",
        "# TYPE parley_store_commit_seconds histogram",
        "# TYPE parley_store_batch_messages histogram",
        "# TYPE parley_web_page_loads_total counter",
        "# TYPE parley_ws_outbound_queued_bytes gauge"})
    EXPECT_TRUE(contains(text, family)) << family;
  EXPECT_TRUE(contains(text, "parley_build_info{version=\"")) << text;
}

TEST(Exposition, TheFormatCheckCatchesMistakes) {
  EXPECT_FALSE(format_problems("x 1\n").empty());  // undeclared
  EXPECT_FALSE(format_problems("# HELP x h\n# TYPE x counter\nx one\n").empty());
  EXPECT_FALSE(format_problems("# HELP x h\n# TYPE x counter\nx{a=\"b} 1\n").empty());
  EXPECT_FALSE(format_problems("# HELP x h\n# TYPE x counter\nx{a=\"\\q\"} 1\n").empty());
  EXPECT_FALSE(
      format_problems(
          "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n")
          .empty());
  EXPECT_TRUE(format_problems("# HELP x h\n# TYPE x counter\nx{a=\"q\\\"\"} 1\n").empty());
}

TEST(Exposition, CloseCodesOutsideTheListCountAsOther) {
  Metrics m;
  m.count_close(1001);
  m.count_close(1001);
  m.count_close(3999);
  std::string text;
  render_operations(m, text);
  EXPECT_TRUE(contains(text, "parley_ws_connections_closed_total{code=\"1001\"} 2\n"));
  EXPECT_TRUE(contains(text, "parley_ws_connections_closed_total{code=\"other\"} 1\n"));
  EXPECT_TRUE(contains(text, "parley_ws_connections_closed_total{code=\"1006\"} 0\n"));
}

TEST(ValueHistogram, BucketsByPowersOfTwoCumulativeWithSumAndCount) {
  ValueHistogram h;
  for (std::uint64_t v : {1u, 2u, 3u, 512u, 5000u}) h.observe(v);
  std::string text;
  append_histogram_samples(text, "b", h);
  EXPECT_TRUE(contains(text, "b_bucket{le=\"1\"} 1\nb_bucket{le=\"2\"} 2\nb_bucket{le=\"4\"} 3\n"));
  EXPECT_TRUE(contains(text,
                       "b_bucket{le=\"512\"} 4\nb_bucket{le=\"1024\"} 4\n"
                       "b_bucket{le=\"+Inf\"} 5\nb_sum 5518\nb_count 5\n"));
}

TEST(HttpRouteMetrics, RoutesAreFoundAgainAndTheTableIsBounded) {
  HttpRouteMetrics table;
  const auto a = table.route("GET", "/a");
  EXPECT_EQ(table.route("GET", "/a"), a);
  EXPECT_NE(table.route("POST", "/a"), a);
  std::size_t last = 0;
  for (int i = 0; i < 500; ++i) last = table.route("GET", "/r" + std::to_string(i));
  EXPECT_EQ(last, HttpRouteMetrics::kMaxRoutes - 1);  // everything past the table: "other"
  table.observe(last, 200, 10);
  table.observe(a, 404, 10);
  EXPECT_EQ(table.count(a, 404), 1u);
  std::string text;
  table.render(text);
  EXPECT_TRUE(contains(text, "{method=\"other\",route=\"other\",status=\"200\"} 1\n"));
  EXPECT_TRUE(contains(text, "{method=\"GET\",route=\"/a\",status=\"404\"} 1\n"));
  EXPECT_FALSE(contains(text, "route=\"/r3\",status"));  // never requested: no series
}

TEST(ExpositionText, LabelValuesAreEscaped) {
  std::string out;
  append_label_value(out, "a\"b\\c\nd");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace parley::obs

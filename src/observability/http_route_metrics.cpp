#include "observability/http_route_metrics.hpp"

#include <algorithm>

#include "observability/exposition_text.hpp"

namespace parley::obs {

std::size_t HttpRouteMetrics::route(std::string_view method, std::string_view route_template) {
  std::lock_guard lock(mutex_);
  const std::size_t n = size_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i)
    if (routes_[i]->method == method && routes_[i]->route_template == route_template) return i;
  if (n == kMaxRoutes - 1) {
    // The last slot collects everything past the table, under one bounded label.
    if (!routes_[n]) {
      routes_[n] = std::make_unique<Route>();
      routes_[n]->method = "other";
      routes_[n]->route_template = "other";
    }
    return n;
  }
  auto entry = std::make_unique<Route>();
  entry->method = std::string(method);
  entry->route_template = std::string(route_template);
  routes_[n] = std::move(entry);
  size_.store(n + 1, std::memory_order_release);
  return n;
}

std::size_t HttpRouteMetrics::status_index(int status) noexcept {
  auto it = std::find(kStatuses.begin(), kStatuses.end(), status);
  return static_cast<std::size_t>(it - kStatuses.begin());  // kStatuses.size(): "other"
}

void HttpRouteMetrics::observe(std::size_t route, int status, std::uint64_t duration_us) noexcept {
  if (route >= kMaxRoutes || !routes_[route]) return;
  Route& r = *routes_[route];
  r.by_status[status_index(status)].add();
  r.latency.observe_us(duration_us);
}

std::uint64_t HttpRouteMetrics::count(std::size_t route, int status) const noexcept {
  if (route >= kMaxRoutes || !routes_[route]) return 0;
  return routes_[route]->by_status[status_index(status)].value();
}

void HttpRouteMetrics::render(std::string& out) const {
  // The last slot may be filled without being counted in size_.
  std::size_t n = size_.load(std::memory_order_acquire);
  if (n == kMaxRoutes - 1 && routes_[n]) n = kMaxRoutes;
  out +=
      "# HELP parley_http_responses_total HTTP responses by method, route template and status.\n"
      "# TYPE parley_http_responses_total counter\n";
  for (std::size_t i = 0; i < n; ++i) {
    const Route& r = *routes_[i];
    for (std::size_t s = 0; s < r.by_status.size(); ++s) {
      const std::uint64_t v = r.by_status[s].value();
      if (v == 0) continue;
      const std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
      out += "parley_http_responses_total{method=\"";
      append_label_value(out, r.method);
      out += "\",route=\"";
      append_label_value(out, r.route_template);
      out += "\",status=\"" + status + "\"} " + std::to_string(v) + "\n";
    }
  }
  out +=
      "# HELP parley_http_request_duration_seconds HTTP request to response, by method and route "
      "template.\n"
      "# TYPE parley_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < n; ++i) {
    const Route& r = *routes_[i];
    if (r.latency.count() == 0) continue;
    std::string labels = "method=\"";
    append_label_value(labels, r.method);
    labels += "\",route=\"";
    append_label_value(labels, r.route_template);
    labels += '"';
    append_histogram_samples(out, "parley_http_request_duration_seconds", labels, r.latency);
  }
}

HttpRouteMetrics& http_route_metrics() noexcept {
  static HttpRouteMetrics instance;
  return instance;
}

}  // namespace parley::obs

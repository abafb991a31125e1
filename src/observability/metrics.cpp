#include "observability/metrics.hpp"

#include <algorithm>
#include <cstdio>

#include "observability/recent_errors.hpp"

namespace parley::obs {

void Metrics::count_error(ErrorCode code, std::string_view message) {
  errors[static_cast<std::size_t>(code)].add();
  recent_errors().record(code, message);
}

void Histogram::observe_us(std::uint64_t us) noexcept {
  auto it = std::lower_bound(kBoundsUs.begin(), kBoundsUs.end(), us);
  buckets_[static_cast<std::size_t>(it - kBoundsUs.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

std::uint64_t Histogram::quantile_us(double q) const noexcept {
  std::uint64_t total = count();
  if (total == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total));
  if (rank >= total) rank = total - 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += bucket(i);
    if (seen > rank) return i < kBoundsUs.size() ? kBoundsUs[i] : kBoundsUs.back() * 2;
  }
  return kBoundsUs.back() * 2;
}

namespace {

void append_line(std::string& out, const char* fmt, auto... args) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, fmt, args...);
  if (n > 0) out.append(buf, static_cast<std::size_t>(std::min<int>(n, sizeof buf - 1)));
}

void render_counter(std::string& out, const char* name, const char* help, std::uint64_t v) {
  append_line(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
              static_cast<unsigned long long>(v));
}

void render_gauge(std::string& out, const char* name, const char* help, std::int64_t v) {
  append_line(out, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name,
              static_cast<long long>(v));
}

// Histograms are exposed in seconds, as Prometheus conventions ask.
void render_histogram(std::string& out, const char* name, const char* help, const Histogram& h) {
  append_line(out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < Histogram::kBoundsUs.size(); ++i) {
    cumulative += h.bucket(i);
    append_line(out, "%s_bucket{le=\"%g\"} %llu\n", name,
                static_cast<double>(Histogram::kBoundsUs[i]) / 1e6,
                static_cast<unsigned long long>(cumulative));
  }
  cumulative += h.bucket(Histogram::kBoundsUs.size());
  append_line(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
              static_cast<unsigned long long>(cumulative));
  append_line(out, "%s_sum %.6f\n%s_count %llu\n", name, static_cast<double>(h.sum_us()) / 1e6,
              name, static_cast<unsigned long long>(h.count()));
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::string out;
  out.reserve(8192);
  render_counter(out, "parley_http_requests_total", "HTTP requests served.", http_requests.value());
  render_gauge(out, "parley_ws_connections", "Open WebSocket connections.", ws_connections.value());
  render_counter(out, "parley_ws_connections_accepted_total", "WebSocket connections accepted.",
                 ws_connections_total.value());
  render_gauge(out, "parley_users_online", "Users with at least one authenticated connection.",
               users_online.value());
  render_gauge(out, "parley_rooms_active", "Rooms with at least one live subscriber.",
               rooms_active.value());
  render_counter(out, "parley_messages_in_total", "Messages stored.", messages_in.value());
  render_counter(out, "parley_messages_out_total", "Message frames queued to subscribers.",
                 messages_out.value());
  render_counter(out, "parley_notifications_out_total", "Notification frames queued.",
                 notifications_out.value());
  render_counter(out, "parley_ws_frames_in_total", "Client frames received.", frames_in.value());
  render_counter(out, "parley_rate_limited_total", "Sends refused by the rate limiter.",
                 rate_limited.value());
  render_counter(out, "parley_rate_limit_closes_total", "Connections closed for abuse (1008).",
                 rate_limit_closes.value());
  render_counter(out, "parley_slow_consumer_closes_total",
                 "Connections closed as slow consumers (1013).", slow_consumer_closes.value());
  render_counter(out, "parley_store_batches_total", "Group-commit transactions.",
                 store_batches.value());
  render_histogram(out, "parley_store_latency_seconds", "Message submit to durable commit.",
                   store_latency);
  render_histogram(out, "parley_delivery_latency_seconds",
                   "Message commit to its frame queued to one network thread's subscribers.",
                   delivery_latency);
  render_counter(out, "parley_bus_events_published_total", "Cluster events published to Redis.",
                 bus_published.value());
  render_counter(out, "parley_bus_events_dropped_total",
                 "Cluster events not published: Redis could not take them (clients catch up).",
                 bus_dropped.value());
  render_counter(out, "parley_bus_events_shed_total",
                 "Typing and presence events not queued to the bus: its queue was full.",
                 bus_shed.value());
  render_counter(out, "parley_bus_gap_fills_total",
                 "Cluster deliveries filled from the store: a batch missing on the bus, or the "
                 "bus back after an outage.",
                 bus_gap_fills.value());
  render_counter(out, "parley_bus_reconnects_total",
                 "Cluster bus subscriptions re-established after a lost connection.",
                 bus_reconnects.value());
  out +=
      "# HELP parley_bus_queued_events Cluster events queued to the bus's publisher thread.\n"
      "# TYPE parley_bus_queued_events gauge\n";
  append_line(out, "parley_bus_queued_events %lld\n", static_cast<long long>(bus_queued.value()));
  render_counter(out, "parley_notify_events_total",
                 "Notifications taken from PostgreSQL NOTIFY (--listen-channel) and delivered.",
                 notify_events.value());
  render_counter(out, "parley_notify_invalid_total",
                 "NOTIFY payloads refused by the publish rules (--listen-channel).",
                 notify_invalid.value());
  out +=
      "# HELP parley_ws_connections_refused_total WebSocket connections refused by a cap.\n"
      "# TYPE parley_ws_connections_refused_total counter\n";
  constexpr std::array<const char*, 3> kRefusalCaps = {"total", "address", "user"};
  for (std::size_t i = 0; i < kRefusalCaps.size(); ++i)
    append_line(out, "parley_ws_connections_refused_total{cap=\"%s\"} %llu\n", kRefusalCaps[i],
                static_cast<unsigned long long>(connection_refusals[i].value()));
  out +=
      "# HELP parley_errors_total Errors answered, by code.\n# TYPE parley_errors_total counter\n";
  for (int i = 0; i < kErrorCodeCount; ++i) {
    auto name = to_string(static_cast<ErrorCode>(i));
    append_line(out, "parley_errors_total{code=\"%.*s\"} %llu\n", static_cast<int>(name.size()),
                name.data(),
                static_cast<unsigned long long>(errors[static_cast<std::size_t>(i)].value()));
  }
  return out;
}

Metrics& metrics() noexcept {
  static Metrics instance;
  return instance;
}

}  // namespace parley::obs

#include "observability/exposition.hpp"

#include <algorithm>

#include "observability/build_info.hpp"
#include "observability/exposition_text.hpp"
#include "observability/http_route_metrics.hpp"
#include "observability/process_metrics.hpp"

namespace parley::obs {
namespace {

void counter(std::string& out, std::string_view name, std::string_view help, const Counter& c) {
  append_family(out, name, "counter", help);
  append_sample(out, name, c.value());
}

}  // namespace

void Metrics::count_close(std::uint16_t code) noexcept {
  auto it = std::find(kCountedCloseCodes.begin(), kCountedCloseCodes.end(), code);
  ws_closes[static_cast<std::size_t>(it - kCountedCloseCodes.begin())].add();
}

void render_operations(const Metrics& m, std::string& out) {
  counter(out, "parley_messages_received_total",
          "Messages received to be stored (send frames and REST posts), before any check.",
          m.messages_received);
  counter(out, "parley_publish_events_total", "Publish API events accepted.", m.publish_events);
  counter(out, "parley_ws_authenticated_total", "WebSocket connections that authenticated.",
          m.ws_authenticated);
  append_family(out, "parley_ws_connections_closed_total", "counter",
                "WebSocket connections closed, by close code (1006: no close handshake).");
  for (std::size_t i = 0; i < m.ws_closes.size(); ++i) {
    const std::string code =
        i < kCountedCloseCodes.size() ? std::to_string(kCountedCloseCodes[i]) : "other";
    append_sample(out, "parley_ws_connections_closed_total{code=\"" + code + "\"}",
                  m.ws_closes[i].value());
  }
  append_family(out, "parley_ws_outbound_queued_bytes", "gauge",
                "Bytes queued to WebSocket connections and not yet written, all connections.");
  append_sample(out, "parley_ws_outbound_queued_bytes",
                static_cast<std::uint64_t>(std::max<std::int64_t>(0, m.ws_outbound_bytes.value())));
  append_family(out, "parley_store_commit_seconds", "histogram",
                "One message batch's transaction, from its start to its commit.");
  append_histogram_samples(out, "parley_store_commit_seconds", {}, m.store_commit);
  append_family(out, "parley_store_batch_messages", "histogram",
                "Messages per committed batch (group commit).");
  append_histogram_samples(out, "parley_store_batch_messages", m.store_batch_size);
  counter(out, "parley_web_page_loads_total", "Web app page loads reported by browsers.",
          m.web_page_loads);
  counter(out, "parley_web_client_errors_total", "Web app errors reported by browsers.",
          m.web_client_errors);
  counter(out, "parley_web_ws_reconnects_total", "Web app WebSocket reconnects reported.",
          m.web_ws_reconnects);
  counter(out, "parley_web_reports_refused_total",
          "Web app health reports refused by the rate limit (not counted above).",
          m.web_reports_refused);
  counter(out, "parley_admin_disconnects_total", "Connections closed by an administrator.",
          m.admin_disconnects);
}

std::string render_exposition() {
  std::string out = metrics().render_prometheus();
  render_operations(metrics(), out);
  http_route_metrics().render(out);
  append_process_metrics(out);
  append_family(out, "parley_build_info", "gauge", "The running binary's version and commit.");
  std::string series = "parley_build_info{version=\"";
  append_label_value(series, build_version());
  series += "\",commit=\"";
  append_label_value(series, build_commit());
  series += "\"}";
  append_sample(out, series, std::uint64_t{1});
  return out;
}

}  // namespace parley::obs

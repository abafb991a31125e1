#include "measure/report.hpp"

#include <cstdio>
#include <string>

namespace parley::bench {
namespace json = boost::json;
namespace {

double ms(std::int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

double per_s(double n, double seconds) {
  return seconds > 0 ? n / seconds : 0;
}

// CPU seconds spent per operation, in microseconds (0 without operations).
double per_op_us(double cpu_s, std::uint64_t operations) {
  return operations > 0 ? cpu_s * 1e6 / static_cast<double>(operations) : 0;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string mib(std::uint64_t bytes) {
  return fmt("%.1f MiB", static_cast<double>(bytes) / 1048576.0);
}

std::string quantiles(const Histogram& h) {
  if (!h.count()) return "-";
  return "p50 " + fmt("%.3f", ms(h.quantile(0.5))) + "  p90 " + fmt("%.3f", ms(h.quantile(0.9))) +
         "  p99 " + fmt("%.3f", ms(h.quantile(0.99))) + "  p99.9 " +
         fmt("%.3f", ms(h.quantile(0.999))) + "  max " + fmt("%.3f", ms(h.max())) +
         "  (n=" + std::to_string(h.count()) + ")";
}

json::object histogram_ms(const Histogram& h) {
  return {
      {"count", h.count()},          {"p50", ms(h.quantile(0.5))},    {"p90", ms(h.quantile(0.9))},
      {"p99", ms(h.quantile(0.99))}, {"p999", ms(h.quantile(0.999))}, {"max", ms(h.max())},
      {"mean", h.mean() / 1e6}};
}

double rss_per_connection(const Result& r, const ServerFigures& s) {
  if (!s.known || !r.connections || s.rss_connected < s.rss_empty) return 0;
  return static_cast<double>(s.rss_connected - s.rss_empty) / static_cast<double>(r.connections);
}

void line(std::ostream& out, const char* label, const std::string& value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "  %-18s ", label);
  out << buf << value << "\n";
}

}  // namespace

bool Report::clean(const Result& r) {
  return r.lost == 0 && r.duplicated == 0 && r.out_of_order == 0 && r.error_total() == 0 &&
         r.connect_failures == 0;
}

void Report::print_timeline(std::ostream& out, const Result& r, double bound_ms) {
  const auto& seconds = r.timeline.seconds();
  if (seconds.empty()) return;
  char buf[128];
  std::snprintf(buf, sizeof buf, "  %-18s %6s %12s %12s %10s\n", "timeline (sent at)", "second",
                "delivered", fmt("> %.0f ms", bound_ms).c_str(), "max ms");
  out << buf;
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    const auto& s = seconds[i];
    std::snprintf(buf, sizeof buf, "  %-18s %6zu %12llu %12llu %10.1f\n", "", i,
                  static_cast<unsigned long long>(s.delivered),
                  static_cast<unsigned long long>(s.over_bound), ms(s.max_ns));
    out << buf;
  }
}

void Report::print_table(std::ostream& out, const std::string& title, const Result& r,
                         const ServerFigures& s) {
  out << "== " << title << " ==\n";
  line(out, "phase",
       fmt("%.2f s", r.seconds) +
           (r.send_seconds > 0 ? " (sending " + fmt("%.2f s", r.send_seconds) + ")" : "") +
           (r.target_rate > 0 ? ", target " + fmt("%.0f", r.target_rate) + "/s" : ""));
  line(out, "connections",
       std::to_string(r.connections) + " open, " + std::to_string(r.connect_failures) +
           " failed to open");
  line(out, "sent / acked",
       std::to_string(r.sent) + " / " + std::to_string(r.acked) + "   acked/s " +
           fmt("%.0f", per_s(static_cast<double>(r.acked), r.seconds)));
  line(out, "delivered",
       std::to_string(r.delivered) + "   delivered/s " +
           fmt("%.0f", per_s(static_cast<double>(r.delivered), r.seconds)));
  line(out, "latency ms", quantiles(r.latency));
  line(out, "ack/call ms", quantiles(r.ack_latency));
  line(out, "lost/dup/order",
       std::to_string(r.lost) + " / " + std::to_string(r.duplicated) + " / " +
           std::to_string(r.out_of_order) + "   (expected " + std::to_string(r.expected) + ")");
  if (r.window_full) line(out, "window full", std::to_string(r.window_full) + " sends skipped");
  std::string errors;
  for (const auto& [k, v] : r.errors)
    errors += (errors.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  line(out, "errors", errors.empty() ? "none" : errors);
  if (s.known) {
    line(out, "server cpu",
         fmt("%.2f s", s.cpu_s) + " (" +
             fmt("%.0f", r.seconds > 0 ? 100 * s.cpu_s / r.seconds : 0) + "% of one core)");
    line(out, "server cpu/op",
         fmt("%.1f", per_op_us(s.cpu_s, r.acked)) + " us per ack, " +
             fmt("%.1f", per_op_us(s.cpu_s, r.delivered)) + " us per delivery");
    line(out, "server rss",
         mib(s.rss_end) + " (empty " + mib(s.rss_empty) + ", connected " + mib(s.rss_connected) +
             ", peak " + mib(s.hwm) + ")");
    if (r.connections) line(out, "server rss/conn", fmt("%.0f bytes", rss_per_connection(r, s)));
    for (const auto& p : s.processes) {
      line(out, ("  pid " + std::to_string(p.pid)).c_str(),
           "cpu " + fmt("%.2f s", p.cpu_s) + " (" +
               fmt("%.0f", r.seconds > 0 ? 100 * p.cpu_s / r.seconds : 0) + "% of one core), rss " +
               mib(p.rss_end));
    }
  }
  line(out, "bench cpu",
       fmt("%.2f s", r.bench_cpu_s) + " (" +
           fmt("%.0f", r.seconds > 0 ? 100 * r.bench_cpu_s / r.seconds : 0) + "% of one core, " +
           fmt("%.1f", per_op_us(r.bench_cpu_s, r.delivered)) + " us per delivery)");
  std::string extra;
  for (const auto& [k, v] : r.extra)
    extra += (extra.empty() ? "" : ", ") + k + "=" + fmt("%.0f", v);
  if (!extra.empty()) line(out, "extra", extra);
  out.flush();
}

json::object Report::to_json(const Result& r, const ServerFigures& s) {
  json::object errors;
  for (const auto& [k, v] : r.errors) errors[k] = v;
  json::object extra;
  for (const auto& [k, v] : r.extra) extra[k] = v;
  json::object o{{"scenario", r.scenario},
                 {"seconds", r.seconds},
                 {"send_seconds", r.send_seconds},
                 {"target_rate", r.target_rate},
                 {"connections", r.connections},
                 {"connect_failures", r.connect_failures},
                 {"sent", r.sent},
                 {"acked", r.acked},
                 {"acked_per_s", per_s(static_cast<double>(r.acked), r.seconds)},
                 {"delivered", r.delivered},
                 {"delivered_per_s", per_s(static_cast<double>(r.delivered), r.seconds)},
                 {"latency_ms", histogram_ms(r.latency)},
                 {"ack_latency_ms", histogram_ms(r.ack_latency)},
                 {"expected", r.expected},
                 {"lost", r.lost},
                 {"duplicated", r.duplicated},
                 {"out_of_order", r.out_of_order},
                 {"window_full", r.window_full},
                 {"errors", std::move(errors)},
                 {"extra", std::move(extra)},
                 {"bench_cpu_s", r.bench_cpu_s},
                 {"clean", clean(r)}};
  if (s.known) {
    o["server"] = json::object{{"cpu_s", s.cpu_s},
                               {"rss_empty", s.rss_empty},
                               {"rss_connected", s.rss_connected},
                               {"rss_end", s.rss_end},
                               {"rss_peak", s.hwm},
                               {"rss_per_connection", rss_per_connection(r, s)},
                               {"cpu_us_per_ack", per_op_us(s.cpu_s, r.acked)},
                               {"cpu_us_per_delivery", per_op_us(s.cpu_s, r.delivered)}};
    if (!s.processes.empty()) {
      json::array processes;
      for (const auto& p : s.processes)
        processes.push_back(
            json::object{{"pid", p.pid}, {"cpu_s", p.cpu_s}, {"rss_end", p.rss_end}});
      o["server"].as_object()["processes"] = std::move(processes);
    }
  }
  return o;
}

}  // namespace parley::bench

#include "driver/runner.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "driver/worker_group.hpp"
#include "measure/server_sample.hpp"
#include "scenarios/scenario.hpp"

namespace parley::bench {
namespace json = boost::json;

std::string Runner::title() const {
  const std::string s = o_.scenario;
  std::string t = s;
  if (s == "fanout" || s == "rooms" || s == "cluster") {
    t += " (" + std::to_string(o_.rooms) + " room(s) x " + std::to_string(o_.subscribers) +
         " subscribers, " + std::to_string(o_.senders) + " senders)";
  } else if (s == "idle" || s == "publish") {
    t += " (" + std::to_string(o_.connections) + " connections)";
  } else if (s == "history" || s == "search") {
    t += " (" + std::to_string(o_.history_messages) + "-message room, " +
         std::to_string(o_.concurrency) + " reader(s) per process)";
  } else if (s == "connect") {
    t += " (" + std::to_string(o_.concurrency) + " handshakes in flight per process)";
  }
  if (o_.servers.size() > 1) t += ", " + std::to_string(o_.servers.size()) + " instances";
  if (o_.processes > 1) t += ", " + std::to_string(o_.processes) + " processes";
  return t + ", " + std::to_string(o_.threads) + " thread(s) each";
}

Result Runner::phase(WorkerGroup& group, double rate, double seconds, ServerFigures& server) {
  server = base_;
  const auto before = sample_servers(o_.server_pids);
  Result r = group.phase(rate, seconds);
  r.finalize_loss();
  if (const auto after = sample_servers(o_.server_pids); before && after) {
    server.known = true;
    server.cpu_s = after->total.cpu_s - before->total.cpu_s;
    server.rss_end = after->total.rss_bytes;
    server.hwm = after->total.hwm_bytes;
    if (o_.server_pids.size() > 1) {
      for (std::size_t i = 0; i < o_.server_pids.size(); ++i)
        server.processes.push_back({o_.server_pids[i], after->each[i].cpu_s - before->each[i].cpu_s,
                                    after->each[i].rss_bytes});
    }
  }
  return r;
}

bool Runner::passes(const Result& r) const {
  const double acked_rate = r.seconds > 0 ? static_cast<double>(r.acked) / r.seconds : 0;
  return Report::clean(r) && r.latency.count() > 0 &&
         static_cast<double>(r.latency.quantile(0.99)) <= o_.p99_ms * 1e6 &&
         acked_rate >= 0.95 * r.target_rate;
}

json::object Runner::run(bool& clean) {
  auto scenario = make_scenario(o_);
  std::cerr << "parley-bench: preparing " << o_.scenario << " against";
  for (const auto& server : o_.servers) std::cerr << " " << server.url;
  std::cerr << "\n";
  scenario->prepare();
  if (const auto s = sample_servers(o_.server_pids)) base_.rss_empty = s->total.rss_bytes;
  WorkerGroup group(*scenario, o_.processes);
  const Result opened = group.open();
  if (const auto s = sample_servers(o_.server_pids)) base_.rss_connected = s->total.rss_bytes;
  std::cerr << "parley-bench: " << opened.connections << " connection(s) open, "
            << opened.connect_failures << " failed\n";
  if (o_.ramp && scenario->rate_driven()) {
    json::object out = ramp(group, opened, clean);
    group.close();
    return out;
  }
  ServerFigures server;
  Result r = phase(group, o_.rate, o_.duration_s, server);
  group.close();
  r.connect_failures += opened.connect_failures;
  for (const auto& [k, v] : opened.errors) r.count_error(k, v);
  Report::print_table(std::cout, title(), r, server);
  if (o_.timeline) Report::print_timeline(std::cout, r, o_.p99_ms);
  clean = Report::clean(r);
  json::object out = Report::to_json(r, server);
  if (o_.timeline) out["timeline"] = r.timeline.to_json();
  return out;
}

json::object Runner::ramp(WorkerGroup& group, const Result& opened, bool& clean) {
  // Double the rate until a step fails, then bisect between the last pass and the first fail.
  double rate = o_.rate > 0 ? o_.rate : 100;
  double best = 0, fail = 0;
  json::array steps;
  Result best_result;
  ServerFigures best_server;
  std::printf("== ramp: %s; pass = p99 <= %.0f ms, nothing lost, acked >= 95%% of target ==\n",
              title().c_str(), o_.p99_ms);
  for (std::size_t step = 0; step < o_.ramp_steps; ++step) {
    ServerFigures server;
    Result r = phase(group, rate, o_.duration_s, server);
    const bool ok = passes(r);
    const double acked_s = r.seconds > 0 ? static_cast<double>(r.acked) / r.seconds : 0;
    const double delivered_s = r.seconds > 0 ? static_cast<double>(r.delivered) / r.seconds : 0;
    const double p99 = static_cast<double>(r.latency.quantile(0.99)) / 1e6;
    std::printf(
        "  step %2zu  target %9.0f/s  acked %9.0f/s  delivered %11.0f/s  p99 %8.2f ms"
        "  lost %llu  errors %llu  server cpu %.1f s  %s\n",
        step + 1, rate, acked_s, delivered_s, p99, static_cast<unsigned long long>(r.lost),
        static_cast<unsigned long long>(r.error_total()), server.cpu_s, ok ? "pass" : "FAIL");
    std::fflush(stdout);
    steps.push_back(json::object{{"target_rate", rate},
                                 {"acked_per_s", acked_s},
                                 {"delivered_per_s", delivered_s},
                                 {"p99_ms", p99},
                                 {"lost", r.lost},
                                 {"errors", r.error_total()},
                                 {"pass", ok}});
    if (ok) {
      best = rate;
      best_result = r;
      best_server = server;
    } else {
      fail = rate;
    }
    if (fail > 0 && best > 0 && (fail - best) / fail < 0.05) break;
    rate = fail == 0 ? rate * 2 : best > 0 ? (best + fail) / 2 : rate / 2;
  }
  if (best > 0) {
    best_result.connect_failures += opened.connect_failures;
    Report::print_table(std::cout, "best ramp step: " + title(), best_result, best_server);
  } else {
    std::printf("  no step passed\n");
  }
  clean = best > 0;
  json::object out = best > 0 ? Report::to_json(best_result, best_server)
                              : json::object{{"scenario", o_.scenario}};
  out["ramp"] = std::move(steps);
  out["ramp_best_rate"] = best;
  return out;
}

}  // namespace parley::bench
